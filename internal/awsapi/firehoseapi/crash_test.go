package firehoseapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fh "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/shoal-dev/shoal/internal/testenv"
)

func processClients(p *testenv.Process) clients {
	cfg := testenv.AWSConfig(p.Endpoint, testenv.AccessKeyID, testenv.SecretAccessKey)
	return clients{fh: firehose.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })}
}

// TestKill9ExactlyOnce kills the server while producers put records and
// delivery writes objects; after restart every acknowledged record is in the
// lake exactly once.
func TestKill9ExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	p := testenv.StartProcess(t, dir)
	c := processClients(p)
	ctx := context.Background()
	if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("crash")}); err != nil {
		t.Fatal(err)
	}
	dest := s3dest("crash")
	dest.ProcessingConfiguration = &fh.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []fh.Processor{{Type: fh.ProcessorTypeAppendDelimiterToRecord}}}
	if _, err := c.fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("crashy"), ExtendedS3DestinationConfiguration: dest}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				recs := make([]fh.Record, 100)
				for i := range recs {
					recs[i].Data = []byte(fmt.Sprintf("g%d-b%d-r%d", g, n, i))
				}
				out, err := c.fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("crashy"), Records: recs})
				if err != nil {
					return // the server died mid-call: these records were not acknowledged
				}
				mu.Lock()
				for i, r := range out.RequestResponses {
					if r.ErrorCode == nil {
						acked[string(recs[i].Data)] = true
					}
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(time.Duration(1500+rand.IntN(1500)) * time.Millisecond) // a random moment under load
	p.Kill()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no record was acknowledged before the kill")
	}

	p = testenv.StartProcess(t, dir)
	c = processClients(p)
	seen := map[string]int{}
	testenv.Eventually(t, 30*time.Second, "every acknowledged record delivered", func() bool {
		seen = map[string]int{}
		var token *string
		for {
			out, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("crash"), ContinuationToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range out.Contents {
				for _, l := range strings.Split(strings.TrimSuffix(string(getObject(t, c, "crash", *o.Key)), "\n"), "\n") {
					seen[l]++
				}
			}
			if out.NextContinuationToken == nil {
				break
			}
			token = out.NextContinuationToken
		}
		for r := range acked {
			if seen[r] == 0 {
				return false
			}
		}
		return true
	})
	for r, n := range seen {
		if n != 1 {
			t.Fatalf("record %s delivered %d times", r, n)
		}
	}
	t.Logf("%d acknowledged records, %d delivered (unacknowledged in-flight records may also be delivered, once)", len(acked), len(seen))
}
