package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shoal-dev/shoal/internal/testenv"
)

func TestSimInventory(t *testing.T) {
	env := testenv.Start(t)
	kc := kinesis.NewFromConfig(env.AWSConfig())
	if _, err := kc.CreateStream(context.Background(), &kinesis.CreateStreamInput{StreamName: aws.String("checks"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	// Credentials as the AWS CLI takes them, from the environment.
	t.Setenv("AWS_ACCESS_KEY_ID", testenv.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testenv.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	var stdout, stderr strings.Builder
	code := run(context.Background(), []string{"sim", "inventory", "--endpoint", env.Server.Endpoint(), "--stream", "checks",
		"--rate", "1000", "--count", "120", "--stores", "3", "--products", "2"}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "sent 120 records") || !strings.Contains(stdout.String(), "0 failed") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}

	stdout.Reset()
	stderr.Reset()
	code = run(context.Background(), []string{"sim", "inventory", "--endpoint", env.Server.Endpoint(), "--delivery-stream", "missing", "--count", "5"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "ResourceNotFoundException") {
		t.Fatalf("missing delivery stream: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if code := run(context.Background(), []string{"sim", "inventory", "--count", "5"}, &stdout, &stderr); code != 2 {
		t.Fatalf("no target: exit %d", code)
	}
}
