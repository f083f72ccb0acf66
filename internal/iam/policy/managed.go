package policy

// AWS-managed policies that pipelines attach, by their real ARNs, with the
// statements of the AWS Managed Policy Reference (the version noted on
// each). They are kept whole, including statements for services Shoal does
// not implement (ec2, logs, sns, ...): those grant nothing here, and keeping
// them makes GetPolicyVersion show what AWS shows.

// ManagedPolicy is one AWS-managed policy.
type ManagedPolicy struct {
	Name        string
	ARN         string
	Path        string
	Description string
	VersionID   string // the default version this document corresponds to
	Document    string
}

// Managed returns the document of the AWS-managed policy with this ARN.
func Managed(arn string) (doc string, ok bool) {
	for _, p := range ManagedPolicies() {
		if p.ARN == arn {
			return p.Document, true
		}
	}
	return "", false
}

// ManagedPolicies lists the AWS-managed policies Shoal provides, sorted by
// name. The slice is new on every call.
func ManagedPolicies() []ManagedPolicy {
	return []ManagedPolicy{
		{"AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "/",
			"Provides full access to AWS services and resources.", "v1", administratorAccess},
		{"AmazonAthenaFullAccess", "arn:aws:iam::aws:policy/AmazonAthenaFullAccess", "/",
			"Provide full access to Amazon Athena and scoped access to the dependencies needed to enable querying, writing results, and data management.",
			"v13", athenaFullAccess},
		{"AmazonKinesisFirehoseFullAccess", "arn:aws:iam::aws:policy/AmazonKinesisFirehoseFullAccess", "/",
			"Provides full access to all Amazon Kinesis Firehose Delivery Streams.", "v1", firehoseFullAccess},
		{"AmazonKinesisFullAccess", "arn:aws:iam::aws:policy/AmazonKinesisFullAccess", "/",
			"Provides full access to all streams via the AWS Management Console.", "v1", kinesisFullAccess},
		{"AmazonKinesisReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess", "/",
			"Provides read only access to all streams via the AWS Management Console.", "v1", kinesisReadOnlyAccess},
		{"AmazonS3FullAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess", "/",
			"Provides full access to all buckets via the AWS Management Console.", "v2", s3FullAccess},
		{"AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "/",
			"Provides read only access to all buckets via the AWS Management Console.", "v3", s3ReadOnlyAccess},
		{"AWSGlueServiceRole", "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole", "/service-role/",
			"Policy for AWS Glue service role which allows access to related services including EC2, S3, and Cloudwatch Logs",
			"v5", glueServiceRole},
	}
}

const administratorAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`

const s3FullAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:*",
        "s3-object-lambda:*"
      ],
      "Resource": "*"
    }
  ]
}`

const s3ReadOnlyAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:Get*",
        "s3:List*",
        "s3:Describe*",
        "s3-object-lambda:Get*",
        "s3-object-lambda:List*"
      ],
      "Resource": "*"
    }
  ]
}`

const kinesisFullAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "kinesis:*",
      "Resource": "*"
    }
  ]
}`

const kinesisReadOnlyAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "kinesis:Get*",
        "kinesis:List*",
        "kinesis:Describe*"
      ],
      "Resource": "*"
    }
  ]
}`

const firehoseFullAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": [
        "firehose:*"
      ],
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}`

const glueServiceRole = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "glue:*",
        "s3:GetBucketLocation",
        "s3:ListBucket",
        "s3:ListAllMyBuckets",
        "s3:GetBucketAcl",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeRouteTables",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcAttribute",
        "iam:ListRolePolicies",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "cloudwatch:PutMetricData"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Effect": "Allow",
      "Action": [
        "s3:CreateBucket"
      ],
      "Resource": [
        "arn:aws:s3:::aws-glue-*"
      ]
    },
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject"
      ],
      "Resource": [
        "arn:aws:s3:::aws-glue-*/*",
        "arn:aws:s3:::*/*aws-glue-*/*"
      ]
    },
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject"
      ],
      "Resource": [
        "arn:aws:s3:::crawler-public*",
        "arn:aws:s3:::aws-glue-*"
      ]
    },
    {
      "Effect": "Allow",
      "Action": [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents"
      ],
      "Resource": [
        "arn:aws:logs:*:*:*:/aws-glue/*"
      ]
    },
    {
      "Effect": "Allow",
      "Action": [
        "ec2:CreateTags",
        "ec2:DeleteTags"
      ],
      "Condition": {
        "ForAllValues:StringEquals": {
          "aws:TagKeys": [
            "aws-glue-service-resource"
          ]
        }
      },
      "Resource": [
        "arn:aws:ec2:*:*:network-interface/*",
        "arn:aws:ec2:*:*:security-group/*",
        "arn:aws:ec2:*:*:instance/*"
      ]
    }
  ]
}`

const athenaFullAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "BaseAthenaPermissions",
      "Effect": "Allow",
      "Action": [
        "athena:*"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "BaseGluePermissions",
      "Effect": "Allow",
      "Action": [
        "glue:CreateDatabase",
        "glue:DeleteDatabase",
        "glue:GetCatalog",
        "glue:GetCatalogs",
        "glue:GetDatabase",
        "glue:GetDatabases",
        "glue:UpdateDatabase",
        "glue:CreateTable",
        "glue:DeleteTable",
        "glue:BatchDeleteTable",
        "glue:UpdateTable",
        "glue:GetTable",
        "glue:GetTables",
        "glue:BatchCreatePartition",
        "glue:CreatePartition",
        "glue:DeletePartition",
        "glue:BatchDeletePartition",
        "glue:UpdatePartition",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
        "glue:StartColumnStatisticsTaskRun",
        "glue:GetColumnStatisticsTaskRun",
        "glue:GetColumnStatisticsTaskRuns",
        "glue:GetCatalogImportStatus"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "BaseQueryResultsPermissions",
      "Effect": "Allow",
      "Action": [
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:ListMultipartUploadParts",
        "s3:AbortMultipartUpload",
        "s3:CreateBucket",
        "s3:PutObject",
        "s3:PutBucketPublicAccessBlock"
      ],
      "Resource": [
        "arn:aws:s3:::aws-athena-query-results-*"
      ]
    },
    {
      "Sid": "BaseAthenaExamplesPermissions",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:ListBucket"
      ],
      "Resource": [
        "arn:aws:s3:::athena-examples*"
      ]
    },
    {
      "Sid": "BaseS3BucketPermissions",
      "Effect": "Allow",
      "Action": [
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:ListAllMyBuckets"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "BaseSNSPermissions",
      "Effect": "Allow",
      "Action": [
        "sns:ListTopics",
        "sns:GetTopicAttributes"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "BaseCloudWatchPermissions",
      "Effect": "Allow",
      "Action": [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:GetMetricData"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "BaseLakeFormationPermissions",
      "Effect": "Allow",
      "Action": [
        "lakeformation:GetDataAccess"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "BaseDataZonePermissions",
      "Effect": "Allow",
      "Action": [
        "datazone:ListDomains",
        "datazone:ListProjects",
        "datazone:ListAccountEnvironments"
      ],
      "Resource": [
        "*"
      ]
    },
    {
      "Sid": "BasePricingPermissions",
      "Effect": "Allow",
      "Action": [
        "pricing:GetProducts"
      ],
      "Resource": [
        "*"
      ]
    }
  ]
}`
