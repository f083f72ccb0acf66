package awsapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/shoal-dev/shoal/internal/testenv"
)

func TestSmokeSigned(t *testing.T) {
	env := testenv.Start(t)
	c := kinesis.NewFromConfig(env.AWSConfig())
	_, err := c.ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	if err == nil || !strings.Contains(err.Error(), "UnknownOperation") {
		t.Fatalf("got %v", err)
	}
	cfg := testenv.AWSConfig(env.Server.Endpoint(), testenv.AccessKeyID, "wrong")
	_, err = kinesis.NewFromConfig(cfg).ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	if err == nil || !strings.Contains(err.Error(), "InvalidSignature") {
		t.Fatalf("got %v", err)
	}
}
