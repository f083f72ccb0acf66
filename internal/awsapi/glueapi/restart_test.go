package glueapi_test

import (
	"context"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/shoal-dev/shoal/internal/server"
	"github.com/shoal-dev/shoal/internal/testenv"
)

func TestCatalogSurvivesRestart(t *testing.T) {
	// The first server is run by hand, not by testenv.Start, because it is
	// closed mid-test and testenv's cleanup would close it a second time.
	cfg := server.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Addr, cfg.ConsoleAddr, cfg.WarehouseAddr = "127.0.0.1:0", "off", "off"
	cfg.RootAccessKeyID, cfg.RootSecretAccessKey = testenv.AccessKeyID, testenv.SecretAccessKey
	first, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = first.Close(context.Background())
		}
	})
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	c := glue.NewFromConfig(testenv.AWSConfig(first.Endpoint(), testenv.AccessKeyID, testenv.SecretAccessKey))
	all := orderlogs(t, c)
	must(c.UpdateTable(ctx, &glue.UpdateTableInput{DatabaseName: aws.String("orderlogs"), TableInput: orderlogsTable("orders")}))
	before := must(c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("orderlogs"), Name: aws.String("orders")})).Table

	closeCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	closed = true
	if err := first.Close(closeCtx); err != nil {
		t.Fatal(err)
	}
	second := testenv.StartConfig(t, cfg)
	c = glue.NewFromConfig(second.AWSConfig())

	after := must(c.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String("orderlogs"), Name: aws.String("orders")})).Table
	if !reflect.DeepEqual(after, before) {
		t.Fatalf("table changed across restart:\n%+v\n%+v", after, before)
	}
	versions := must(c.GetTableVersions(ctx, &glue.GetTableVersionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders")}))
	if len(versions.TableVersions) != 2 {
		t.Fatalf("versions after restart: %d", len(versions.TableVersions))
	}
	keys, _ := listPartitions(t, c, &glue.GetPartitionsInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders"),
		Expression: aws.String("partition_0 = '2026'")})
	if len(keys) != len(all)-1 {
		t.Fatalf("partitions after restart: %v", keys)
	}
	// And it keeps working: new writes after the restart.
	in := types.PartitionInput{Values: []string{"2026", "09", "01", "00"}}
	must(c.CreatePartition(ctx, &glue.CreatePartitionInput{DatabaseName: aws.String("orderlogs"), TableName: aws.String("orders"), PartitionInput: &in}))
}
