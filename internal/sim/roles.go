package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// The AWS-managed policies the pipelines' roles attach, by their real ARNs.
const (
	PolicyS3FullAccess    = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
	PolicyS3ReadOnly      = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	PolicyGlueServiceRole = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
	PolicyKinesisReadOnly = "arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"
)

// ServiceRole is an IAM role a part of a pipeline acts as (a delivery stream's
// RoleARN, a crawler's Role, a Spectrum schema's IAM_ROLE): the services
// its trust policy names and the managed policies attached to it, as the
// workshop creates them with `aws iam create-role` and `attach-role-policy`.
type ServiceRole struct {
	ARN      string
	Services []string
	Policies []string
}

// SpectrumRole is the role the orders flow's external schema names.
func SpectrumRole(account string) ServiceRole {
	return ServiceRole{
		ARN:      roleARN(account, "cadabra-spectrum"),
		Services: []string{"redshift.amazonaws.com"},
		Policies: []string{PolicyS3ReadOnly, PolicyGlueServiceRole},
	}
}

func roleARN(account, name string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, name)
}

// Name is the role name: the ARN's last path element.
func (r ServiceRole) Name() string { return r.ARN[strings.LastIndex(r.ARN, "/")+1:] }

// Ensure creates the role unless it exists and attaches its policies
// (attaching an attached policy changes nothing). It tells whether the role
// was created.
func (r ServiceRole) Ensure(ctx context.Context, cfg aws.Config) (bool, error) {
	client := iam.NewFromConfig(cfg)
	trust, err := r.trustPolicy()
	if err != nil {
		return false, err
	}
	_, err = client.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(r.Name()),
		AssumeRolePolicyDocument: aws.String(trust),
		Description:              aws.String("Shoal simulator: assumed by " + strings.Join(r.Services, ", ")),
	})
	if err != nil && errorCode(err) != "EntityAlreadyExists" {
		return false, err
	}
	made := err == nil
	for _, arn := range r.Policies {
		if _, err := client.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(r.Name()), PolicyArn: aws.String(arn)}); err != nil {
			return made, fmt.Errorf("attach %s: %w", arn, err)
		}
	}
	return made, nil
}

// trustPolicy lets the role's services assume it.
func (r ServiceRole) trustPolicy() (string, error) {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect":    "Allow",
			"Principal": map[string]any{"Service": r.Services},
			"Action":    "sts:AssumeRole",
		}},
	}
	b, err := json.Marshal(doc)
	return string(b), err
}
