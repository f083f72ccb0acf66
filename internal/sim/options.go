package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Options configure an inventory producer.
type Options struct {
	// Endpoint is the AWS endpoint URL (a Shoal server); "" uses the SDK's
	// default resolution, i.e. real AWS.
	Endpoint string
	// Region "" is the SDK's (AWS_REGION etc.), else us-east-1.
	Region string
	// Static credentials; when AccessKeyID is empty the SDK's default chain
	// applies (AWS_ACCESS_KEY_ID etc., shared config, profiles).
	AccessKeyID, SecretAccessKey, SessionToken string

	// Exactly one target: a delivery stream (PutRecordBatch) or a data
	// stream (PutRecords, partition key store_id).
	DeliveryStream string
	Stream         string

	Rate     float64       // records per second
	Stores   int           // STORE_1..STORE_<Stores>
	Products int           // PRD_1..PRD_<Products>
	Count    int           // stop after this many records are accepted or given up; 0: no limit
	Duration time.Duration // stop after this long; 0: no limit
	Seed     uint64
	// Newline ends each record with "\n", for destinations that store the
	// JSON as is (Firehose concatenates records without a separator).
	Newline bool
	// MaxAttempts bounds the puts of one record before it counts as failed.
	MaxAttempts int

	Logger *slog.Logger
	// Now stamps check_timestamp; nil is time.Now.
	Now func() time.Time
}

// Defaults are the workshop's figures: 10 stores, 5 products.
func Defaults() Options {
	return Options{Rate: 10, Stores: 10, Products: 5, MaxAttempts: 10}
}

func (o *Options) validate() error {
	switch {
	case (o.DeliveryStream == "") == (o.Stream == ""):
		return errors.New("set exactly one of a delivery stream or a data stream")
	case o.Rate <= 0:
		return fmt.Errorf("rate must be positive, not %v", o.Rate)
	case o.Stores < 1 || o.Products < 1:
		return fmt.Errorf("need at least one store and one product (got %d, %d)", o.Stores, o.Products)
	case o.Count < 0 || o.Duration < 0:
		return errors.New("count and duration must not be negative")
	}
	if o.MaxAttempts < 1 {
		o.MaxAttempts = 10
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// AWSConfig loads an SDK config for the options' endpoint, region and
// credentials, falling back to the SDK's default chain for what is unset.
func AWSConfig(ctx context.Context, o Options) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, o.SessionToken)))
	}
	if o.Endpoint != "" {
		opts = append(opts, config.WithBaseEndpoint(o.Endpoint))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // Shoal's default; the SDK would refuse to sign without one
	}
	return cfg, nil
}
