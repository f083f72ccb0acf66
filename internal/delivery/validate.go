package delivery

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	// CustomTimeZone must work on hosts without a zone database.
	_ "time/tzdata"

	"github.com/shoal-dev/shoal/internal/awserr"
)

// Firehose limits.
const (
	MaxRecordSize       = 1000 << 10 // 1,000 KiB per record
	MaxBatchRecords     = 500
	MaxBatchBytes       = 4 << 20
	MaxActivePartitions = 500
	DefaultSizeMB       = 5
	DefaultIntervalSec  = 300
	// MinDynamicSizeMB is the smallest buffer with dynamic partitioning or
	// format conversion, as AWS requires.
	MinDynamicSizeMB = 64
	maxPrefixLen     = 1024
)

var (
	namePattern   = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	bucketARN     = regexp.MustCompile(`^arn:aws[a-z-]*:s3:::([\w.\-]{1,255})$`)
	roleARN       = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)
	fileExtension = regexp.MustCompile(`^$|^\.[0-9a-z!\-_.*'()]+$`)
)

func validateName(name string) error {
	if len(name) < 1 || len(name) > 64 || !namePattern.MatchString(name) {
		return awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 64", name)
	}
	return nil
}

// bucketOf returns the bucket a BucketARN names.
func bucketOf(arn string) (string, error) {
	m := bucketARN.FindStringSubmatch(arn)
	if m == nil {
		return "", awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'bucketARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:.*:s3:::[\\w\\.\\-]{1,255}", arn)
	}
	return m[1], nil
}

func boolVal(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func strVal(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// validateDestination checks a destination against Firehose's rules and
// returns its compiled plan (without the catalog schema, resolved later).
func validateDestination(d *S3Destination, created bool) (*plan, error) {
	if d.BucketARN == "" {
		return nil, awserr.New(awserr.Validation, "1 validation error detected: Value null at 'extendedS3DestinationConfiguration.bucketARN' failed to satisfy constraint: Member must not be null")
	}
	if _, err := bucketOf(d.BucketARN); err != nil {
		return nil, err
	}
	if d.RoleARN == "" {
		return nil, awserr.New(awserr.Validation, "1 validation error detected: Value null at 'extendedS3DestinationConfiguration.roleARN' failed to satisfy constraint: Member must not be null")
	}
	if !roleARN.MatchString(d.RoleARN) {
		return nil, invalidArg("RoleARN %s is not a valid IAM role ARN.", d.RoleARN)
	}
	if h := d.BufferingHints; h != nil {
		if (h.SizeInMBs == nil) != (h.IntervalInSeconds == nil) {
			return nil, invalidArg("BufferingHints must specify both SizeInMBs and IntervalInSeconds, or neither.")
		}
		if h.SizeInMBs != nil && (*h.SizeInMBs < 1 || *h.SizeInMBs > 128) {
			return nil, awserr.New(awserr.Validation, "1 validation error detected: Value '%d' at 'bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value between 1 and 128", *h.SizeInMBs)
		}
		if h.IntervalInSeconds != nil && (*h.IntervalInSeconds < 0 || *h.IntervalInSeconds > 900) {
			return nil, awserr.New(awserr.Validation, "1 validation error detected: Value '%d' at 'bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value between 0 and 900", *h.IntervalInSeconds)
		}
	}
	switch d.CompressionFormat {
	case "", "UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY":
	default:
		return nil, awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'compressionFormat' failed to satisfy constraint: Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]", d.CompressionFormat)
	}
	if d.FileExtension != nil && (len(*d.FileExtension) > 128 || !fileExtension.MatchString(*d.FileExtension)) {
		return nil, invalidArg("FileExtension %q must start with a period and contain only characters 0-9a-z!-_.*'().", *d.FileExtension)
	}
	p := &plan{dest: d, sizeBytes: DefaultSizeMB << 20, interval: DefaultIntervalSec * time.Second, zone: time.UTC}
	if h := d.BufferingHints; h != nil && h.SizeInMBs != nil {
		p.sizeBytes = *h.SizeInMBs << 20
		p.interval = time.Duration(*h.IntervalInSeconds) * time.Second
	}
	if tz := strVal(d.CustomTimeZone); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return nil, invalidArg("CustomTimeZone %s is not a valid time zone.", tz)
		}
		p.zone = loc
	}
	var err error
	if err := validatePrefixLen(d); err != nil {
		return nil, err
	}
	if p.prefix, err = parseTemplate(strVal(d.Prefix), "Prefix"); err != nil {
		return nil, err
	}
	if p.errPrefix, err = parseTemplate(strVal(d.ErrorOutputPrefix), "ErrorOutputPrefix"); err != nil {
		return nil, err
	}
	if p.prefix.uses(segErrorType) {
		return nil, invalidArg("The expression !{firehose:error-output-type} is only allowed in ErrorOutputPrefix.")
	}
	if p.errPrefix.uses(segPartitionKey) {
		return nil, invalidArg("ErrorOutputPrefix cannot contain dynamic partitioning keys (!{partitionKeyFromQuery:...}).")
	}
	if p.prefix.hasExpr && strVal(d.ErrorOutputPrefix) == "" {
		return nil, invalidArg("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.")
	}
	if err := p.compileProcessing(created); err != nil {
		return nil, err
	}
	if err := p.compileConversionOptions(); err != nil {
		return nil, err
	}
	if p.dynamic || p.convert != nil {
		if h := d.BufferingHints; h != nil && h.SizeInMBs != nil {
			if *h.SizeInMBs < MinDynamicSizeMB {
				what := "dynamic partitioning"
				if !p.dynamic {
					what = "data format conversion"
				}
				return nil, invalidArg("BufferingHints.SizeInMBs must be at least %d when %s is enabled.", MinDynamicSizeMB, what)
			}
			if p.dynamic && *h.IntervalInSeconds == 0 {
				return nil, invalidArg("BufferingHints.IntervalInSeconds must be greater than 0 when dynamic partitioning is enabled.")
			}
		} else {
			p.sizeBytes = 128 << 20 // AWS's default when either is enabled
		}
	}
	if p.convert != nil && d.CompressionFormat != "" && d.CompressionFormat != "UNCOMPRESSED" {
		return nil, invalidArg("CompressionFormat must be UNCOMPRESSED when DataFormatConversion is enabled; set the Parquet compression in ParquetSerDe.Compression instead.")
	}
	return p, nil
}

func validatePrefixLen(d *S3Destination) error {
	for _, f := range []struct {
		name string
		v    *string
	}{{"prefix", d.Prefix}, {"errorOutputPrefix", d.ErrorOutputPrefix}} {
		if len(strVal(f.v)) > maxPrefixLen {
			return awserr.New(awserr.Validation, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", f.name, maxPrefixLen)
		}
	}
	return nil
}

// rejectOtherDestinations names a destination Shoal does not deliver to.
func rejectOtherDestinations(names []string) error {
	if len(names) == 0 {
		return nil
	}
	return invalidArg("Destination type %s is not supported by Shoal; use ExtendedS3DestinationConfiguration (or S3DestinationConfiguration).", strings.Join(names, ", "))
}

func checkSourceType(t string, src *KinesisSource) error {
	switch t {
	case "", DirectPut:
		if src != nil {
			return invalidArg("KinesisStreamSourceConfiguration is only allowed when DeliveryStreamType is KinesisStreamAsSource.")
		}
	case KinesisStreamAsSource:
		if src == nil || src.KinesisStreamARN == "" {
			return invalidArg("KinesisStreamSourceConfiguration must be provided when DeliveryStreamType is KinesisStreamAsSource.")
		}
		if src.RoleARN == "" {
			return invalidArg("KinesisStreamSourceConfiguration.RoleARN must be provided.")
		}
	case "MSKAsSource", "DatabaseAsSource":
		return invalidArg("DeliveryStreamType %s is not supported by Shoal.", t)
	default:
		return awserr.New(awserr.Validation, "1 validation error detected: Value '%s' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]", t)
	}
	return nil
}

func fmtKeys(keys []string) string { return fmt.Sprintf("[%s]", strings.Join(keys, ", ")) }
