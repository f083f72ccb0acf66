package athenaapi

import (
	"context"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/query"
)

type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

type engineVersionInput struct {
	SelectedEngineVersion  *string `json:"SelectedEngineVersion,omitempty"`
	EffectiveEngineVersion *string `json:"EffectiveEngineVersion,omitempty"`
}

type workGroupConfiguration struct {
	ResultConfiguration             *resultConfiguration `json:"ResultConfiguration,omitempty"`
	EnforceWorkGroupConfiguration   *bool                `json:"EnforceWorkGroupConfiguration,omitempty"`
	PublishCloudWatchMetricsEnabled *bool                `json:"PublishCloudWatchMetricsEnabled,omitempty"`
	BytesScannedCutoffPerQuery      *int64               `json:"BytesScannedCutoffPerQuery,omitempty"`
	RequesterPaysEnabled            *bool                `json:"RequesterPaysEnabled,omitempty"`
	EngineVersion                   *engineVersionInput  `json:"EngineVersion,omitempty"`
}

type createWorkGroupInput struct {
	Name          string                  `json:"Name"`
	Configuration *workGroupConfiguration `json:"Configuration,omitempty"`
	Description   *string                 `json:"Description,omitempty"`
	Tags          []tag                   `json:"Tags,omitempty"`
}

func (a *api) createWorkGroup(ctx context.Context, in *createWorkGroupInput) (any, error) {
	wg := query.WorkGroup{Name: in.Name, Description: str(in.Description), EnforceConfiguration: true}
	if c := in.Configuration; c != nil {
		if c.ResultConfiguration != nil {
			wg.OutputLocation = str(c.ResultConfiguration.OutputLocation)
		}
		wg.EnforceConfiguration = c.EnforceWorkGroupConfiguration == nil || *c.EnforceWorkGroupConfiguration
		wg.PublishMetrics = c.PublishCloudWatchMetricsEnabled != nil && *c.PublishCloudWatchMetricsEnabled
		if c.BytesScannedCutoffPerQuery != nil {
			wg.BytesScannedCutoff = *c.BytesScannedCutoffPerQuery
		}
		wg.RequesterPays = c.RequesterPaysEnabled != nil && *c.RequesterPaysEnabled
		if c.EngineVersion != nil {
			wg.EngineVersion = str(c.EngineVersion.SelectedEngineVersion)
		}
	}
	if len(in.Tags) > 0 {
		wg.Tags = map[string]string{}
		for _, t := range in.Tags {
			wg.Tags[t.Key] = t.Value
		}
	}
	return empty{}, a.svc.CreateWorkGroup(ctx, wg)
}

type workGroupOut struct {
	Name          string                 `json:"Name"`
	State         string                 `json:"State"`
	Configuration workGroupConfiguration `json:"Configuration"`
	Description   string                 `json:"Description,omitempty"`
	CreationTime  awsapi.Timestamp       `json:"CreationTime"`
}

func toWorkGroup(wg *query.WorkGroup) workGroupOut {
	out := workGroupOut{Name: wg.Name, State: wg.State, Description: wg.Description, CreationTime: awsapi.Timestamp{Time: wg.Created}}
	c := &out.Configuration
	c.ResultConfiguration = &resultConfiguration{}
	if wg.OutputLocation != "" {
		c.ResultConfiguration.OutputLocation = &wg.OutputLocation
	}
	c.EnforceWorkGroupConfiguration = &wg.EnforceConfiguration
	c.PublishCloudWatchMetricsEnabled = &wg.PublishMetrics
	if wg.BytesScannedCutoff > 0 {
		c.BytesScannedCutoffPerQuery = &wg.BytesScannedCutoff
	}
	c.RequesterPaysEnabled = &wg.RequesterPays
	eff := query.EngineVersion
	sel := wg.EngineVersion
	c.EngineVersion = &engineVersionInput{SelectedEngineVersion: &sel, EffectiveEngineVersion: &eff}
	return out
}

type workGroupNameInput struct {
	WorkGroup string `json:"WorkGroup"`
}

func (a *api) getWorkGroup(ctx context.Context, in *workGroupNameInput) (any, error) {
	if err := required("WorkGroup", in.WorkGroup); err != nil {
		return nil, err
	}
	wg, err := a.svc.GetWorkGroup(ctx, in.WorkGroup)
	if err != nil {
		return nil, err
	}
	return map[string]any{"WorkGroup": toWorkGroup(wg)}, nil
}

type listWorkGroupsInput struct {
	NextToken  *string `json:"NextToken,omitempty"`
	MaxResults int     `json:"MaxResults,omitempty"`
}

func (a *api) listWorkGroups(ctx context.Context, in *listWorkGroupsInput) (any, error) {
	wgs, err := a.svc.ListWorkGroups(ctx)
	if err != nil {
		return nil, err
	}
	pg, next, err := page(wgs, str(in.NextToken), in.MaxResults, 50)
	if err != nil {
		return nil, err
	}
	type summary struct {
		Name          string           `json:"Name"`
		State         string           `json:"State"`
		Description   string           `json:"Description,omitempty"`
		CreationTime  awsapi.Timestamp `json:"CreationTime"`
		EngineVersion engineVersion    `json:"EngineVersion"`
	}
	out := struct {
		WorkGroups []summary `json:"WorkGroups"`
		NextToken  *string   `json:"NextToken,omitempty"`
	}{WorkGroups: []summary{}, NextToken: next}
	for _, wg := range pg {
		out.WorkGroups = append(out.WorkGroups, summary{Name: wg.Name, State: wg.State, Description: wg.Description,
			CreationTime: awsapi.Timestamp{Time: wg.Created}, EngineVersion: engineVersion{SelectedEngineVersion: wg.EngineVersion, EffectiveEngineVersion: query.EngineVersion}})
	}
	return out, nil
}

type updateWorkGroupInput struct {
	WorkGroup            string  `json:"WorkGroup"`
	Description          *string `json:"Description,omitempty"`
	State                *string `json:"State,omitempty"`
	ConfigurationUpdates *struct {
		EnforceWorkGroupConfiguration *bool `json:"EnforceWorkGroupConfiguration,omitempty"`
		ResultConfigurationUpdates    *struct {
			OutputLocation                *string                  `json:"OutputLocation,omitempty"`
			RemoveOutputLocation          *bool                    `json:"RemoveOutputLocation,omitempty"`
			EncryptionConfiguration       *encryptionConfiguration `json:"EncryptionConfiguration,omitempty"`
			RemoveEncryptionConfiguration *bool                    `json:"RemoveEncryptionConfiguration,omitempty"`
			ExpectedBucketOwner           *string                  `json:"ExpectedBucketOwner,omitempty"`
			RemoveExpectedBucketOwner     *bool                    `json:"RemoveExpectedBucketOwner,omitempty"`
			AclConfiguration              *aclConfiguration        `json:"AclConfiguration,omitempty"`
			RemoveAclConfiguration        *bool                    `json:"RemoveAclConfiguration,omitempty"`
		} `json:"ResultConfigurationUpdates,omitempty"`
		PublishCloudWatchMetricsEnabled  *bool               `json:"PublishCloudWatchMetricsEnabled,omitempty"`
		BytesScannedCutoffPerQuery       *int64              `json:"BytesScannedCutoffPerQuery,omitempty"`
		RemoveBytesScannedCutoffPerQuery *bool               `json:"RemoveBytesScannedCutoffPerQuery,omitempty"`
		RequesterPaysEnabled             *bool               `json:"RequesterPaysEnabled,omitempty"`
		EngineVersion                    *engineVersionInput `json:"EngineVersion,omitempty"`
	} `json:"ConfigurationUpdates,omitempty"`
}

func (a *api) updateWorkGroup(ctx context.Context, in *updateWorkGroupInput) (any, error) {
	if err := required("WorkGroup", in.WorkGroup); err != nil {
		return nil, err
	}
	u := query.WorkGroupUpdate{Description: in.Description, State: in.State}
	if c := in.ConfigurationUpdates; c != nil {
		u.EnforceConfiguration, u.PublishMetrics, u.BytesScannedCutoff, u.RequesterPays = c.EnforceWorkGroupConfiguration, c.PublishCloudWatchMetricsEnabled, c.BytesScannedCutoffPerQuery, c.RequesterPaysEnabled
		u.RemoveCutoff = c.RemoveBytesScannedCutoffPerQuery != nil && *c.RemoveBytesScannedCutoffPerQuery
		if r := c.ResultConfigurationUpdates; r != nil {
			u.OutputLocation = r.OutputLocation
			u.RemoveOutputLocation = r.RemoveOutputLocation != nil && *r.RemoveOutputLocation
		}
		if c.EngineVersion != nil {
			u.EngineVersion = c.EngineVersion.SelectedEngineVersion
		}
	}
	return empty{}, a.svc.UpdateWorkGroup(ctx, in.WorkGroup, u)
}

type deleteWorkGroupInput struct {
	WorkGroup             string `json:"WorkGroup"`
	RecursiveDeleteOption *bool  `json:"RecursiveDeleteOption,omitempty"`
}

func (a *api) deleteWorkGroup(ctx context.Context, in *deleteWorkGroupInput) (any, error) {
	if err := required("WorkGroup", in.WorkGroup); err != nil {
		return nil, err
	}
	return empty{}, a.svc.DeleteWorkGroup(ctx, in.WorkGroup, in.RecursiveDeleteOption != nil && *in.RecursiveDeleteOption)
}
