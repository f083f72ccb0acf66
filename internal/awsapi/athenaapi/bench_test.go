package athenaapi_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
)

// TestSelectOneLatency measures SELECT 1 from StartQueryExecution to
// SUCCEEDED through the API with the SDK, polling GetQueryExecution every
// millisecond, and checks the median against the 50 ms target:
//
//	go test -count=1 -v -run SelectOneLatency ./internal/awsapi/athenaapi/
func TestSelectOneLatency(t *testing.T) {
	c := start(t)
	ctx := context.Background()
	var lat []time.Duration
	for range 50 {
		begin := time.Now()
		o, err := c.athena.StartQueryExecution(ctx, &athena.StartQueryExecutionInput{QueryString: aws.String("SELECT 1"),
			ResultConfiguration: &types.ResultConfiguration{OutputLocation: aws.String("s3://results/athena/")}})
		if err != nil {
			t.Fatal(err)
		}
		for {
			g, err := c.athena.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: o.QueryExecutionId})
			if err != nil {
				t.Fatal(err)
			}
			if g.QueryExecution.Status.State == types.QueryExecutionStateSucceeded {
				break
			}
			if g.QueryExecution.Status.State != types.QueryExecutionStateQueued && g.QueryExecution.Status.State != types.QueryExecutionStateRunning {
				t.Fatalf("state %s", g.QueryExecution.Status.State)
			}
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, time.Since(begin))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("SELECT 1 start→SUCCEEDED: p50 %s, p95 %s, max %s", lat[len(lat)/2], lat[len(lat)*95/100], lat[len(lat)-1])
	if lat[len(lat)/2] > 50*time.Millisecond {
		t.Errorf("median %s exceeds 50 ms", lat[len(lat)/2])
	}
}
