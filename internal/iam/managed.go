package iam

import (
	"crypto/sha256"
	"time"

	"github.com/shoal-dev/shoal/internal/iam/policy"
)

// awsManagedPolicy is one AWS-managed policy Shoal provides. This is the one
// list of them; their documents come from internal/iam/policy.
type awsManagedPolicy struct {
	Name, Path, Description, Version string
}

// awsManagedPolicies are the AWS-managed policies that pipelines attach, by
// their real names, paths, descriptions and default versions.
func awsManagedPolicies() []awsManagedPolicy {
	return []awsManagedPolicy{
		{"AdministratorAccess", "/", "Provides full access to AWS services and resources.", "v1"},
		{"AmazonAthenaFullAccess", "/", "Provide full access to Amazon Athena and scoped access to the dependencies needed to enable querying, writing results, and data management.", "v13"},
		{"AmazonKinesisFirehoseFullAccess", "/", "Provides full access to all Amazon Kinesis Firehose Delivery Streams.", "v1"},
		{"AmazonKinesisFullAccess", "/", "Provides full access to all streams via the AWS Management Console.", "v1"},
		{"AmazonKinesisReadOnlyAccess", "/", "Provides read only access to all streams via the AWS Management Console.", "v1"},
		{"AmazonS3FullAccess", "/", "Provides full access to all buckets via the AWS Management Console.", "v2"},
		{"AmazonS3ReadOnlyAccess", "/", "Provides read only access to all buckets via the AWS Management Console.", "v3"},
		{"AWSGlueServiceRole", "/service-role/", "Policy for AWS Glue service role which allows access to related services including EC2, S3, and Cloudwatch Logs", "v5"},
	}
}

// awsManagedCreated is when the AWS-managed policies were first published
// (IAM reports 2015-02-06 for the oldest of them).
var awsManagedCreated = time.Date(2015, 2, 6, 18, 40, 0, 0, time.UTC)

func managedARN(p awsManagedPolicy) string { return "arn:aws:iam::aws:policy" + p.Path + p.Name }

// awsManagedPolicyByARN returns the AWS-managed policy with this ARN.
func (s *Service) awsManagedPolicyByARN(arn string) (*Policy, bool) {
	for _, m := range awsManagedPolicies() {
		if managedARN(m) == arn {
			return &Policy{Name: m.Name, ID: stableID("ANPA", arn), Path: m.Path, ARN: arn, Description: m.Description,
				DefaultVersion: m.Version, Created: awsManagedCreated, Updated: awsManagedCreated, awsManaged: true}, true
		}
	}
	return nil, false
}

// managedPolicyDocument returns the document of an AWS-managed policy.
func managedPolicyDocument(arn string) (string, bool) {
	return policy.Managed(arn)
}

// stableID derives an IAM-style id from a name, so built-in entities keep
// their id across restarts.
func stableID(prefix, name string) string {
	sum := sha256.Sum256([]byte(name))
	b := make([]byte, 17)
	for i := range b {
		b[i] = upperDigits[int(sum[i])%len(upperDigits)]
	}
	return prefix + string(b)
}
