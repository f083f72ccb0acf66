package glueapi

import (
	"context"
	"encoding/json"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/catalog"
)

// partitionRequest is the table reference every partition operation has.
type partitionRequest struct {
	CatalogId    *string
	DatabaseName *string
	TableName    *string
}

func (a *api) checkPartitionTable(in *partitionRequest) error {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return err
	}
	if err := checkName("databaseName", in.DatabaseName); err != nil {
		return err
	}
	return checkName("tableName", in.TableName)
}

type partitionError struct {
	PartitionValues []string
	ErrorDetail     *errorDetail
}

func partitionErrors(entryErrs []catalog.EntryError, values func(i int) []string) []partitionError {
	out := []partitionError{}
	for _, e := range entryErrs {
		out = append(out, partitionError{PartitionValues: values(e.Index), ErrorDetail: detailOf(e.Err)})
	}
	return out
}

type createPartitionRequest struct {
	partitionRequest
	PartitionInput *partitionInput
}

func (a *api) createPartition(ctx context.Context, in *createPartitionRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	if in.PartitionInput == nil {
		return nil, missing("partitionInput")
	}
	return empty{}, a.svc.CreatePartition(ctx, *in.DatabaseName, *in.TableName, in.PartitionInput.toCatalog())
}

type batchCreatePartitionRequest struct {
	partitionRequest
	PartitionInputList []partitionInput
}

func (a *api) batchCreatePartition(ctx context.Context, in *batchCreatePartitionRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	if in.PartitionInputList == nil {
		return nil, missing("partitionInputList")
	}
	if err := checkLen("partitionInputList", len(in.PartitionInputList), 0, 100); err != nil {
		return nil, err
	}
	inputs := make([]catalog.PartitionInput, len(in.PartitionInputList))
	for i := range in.PartitionInputList {
		inputs[i] = in.PartitionInputList[i].toCatalog()
	}
	entryErrs, err := a.svc.BatchCreatePartition(ctx, *in.DatabaseName, *in.TableName, inputs)
	if err != nil {
		return nil, err
	}
	return struct{ Errors []partitionError }{partitionErrors(entryErrs, func(i int) []string { return in.PartitionInputList[i].Values })}, nil
}

type getPartitionRequest struct {
	partitionRequest
	PartitionValues []string
	AuditContext    json.RawMessage // labels audit logs only
}

func (a *api) getPartition(ctx context.Context, in *getPartitionRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	if in.PartitionValues == nil {
		return nil, missing("partitionValues")
	}
	p, err := a.svc.GetPartition(ctx, *in.DatabaseName, *in.TableName, in.PartitionValues)
	if err != nil {
		return nil, err
	}
	return struct{ Partition partition }{a.partition(p, false)}, nil
}

type segment struct {
	SegmentNumber int32
	TotalSegments *int32
}

type getPartitionsRequest struct {
	partitionRequest
	Expression          *string
	NextToken           *string
	MaxResults          *int32
	Segment             *segment
	ExcludeColumnSchema *bool
	TransactionId       *string
	QueryAsOfTime       *awsapi.Timestamp
	AuditContext        json.RawMessage // labels audit logs only
}

type getPartitionsResponse struct {
	Partitions []partition
	NextToken  string `json:",omitempty"`
}

func (a *api) getPartitions(ctx context.Context, in *getPartitionsRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	switch {
	case in.TransactionId != nil:
		return nil, unsupported("TransactionId (governed tables)")
	case in.QueryAsOfTime != nil:
		return nil, unsupported("QueryAsOfTime (governed tables)")
	}
	max, err := checkMax(in.MaxResults, 1000)
	if err != nil {
		return nil, err
	}
	if in.Expression != nil && len(*in.Expression) > 2048 {
		return nil, awsapi.ConstraintViolation("...", "expression", "Member must have length less than or equal to 2048")
	}
	q := catalog.PartitionQuery{Expression: deref(in.Expression), Page: catalog.Page{Token: deref(in.NextToken), Max: max}}
	if s := in.Segment; s != nil {
		if s.TotalSegments == nil {
			return nil, missing("segment.totalSegments")
		}
		q.Segment = &catalog.Segment{Number: int(s.SegmentNumber), Total: int(*s.TotalSegments)}
	}
	parts, next, err := a.svc.GetPartitions(ctx, *in.DatabaseName, *in.TableName, q)
	if err != nil {
		return nil, err
	}
	exclude := in.ExcludeColumnSchema != nil && *in.ExcludeColumnSchema
	resp := getPartitionsResponse{Partitions: []partition{}, NextToken: next}
	for i := range parts {
		resp.Partitions = append(resp.Partitions, a.partition(&parts[i], exclude))
	}
	return resp, nil
}

type batchGetPartitionRequest struct {
	partitionRequest
	PartitionsToGet []partitionValueList
	AuditContext    json.RawMessage // labels audit logs only
	// QuerySessionContext carries Lake Formation session details; with no
	// Lake Formation here it changes nothing.
	QuerySessionContext json.RawMessage
}

func (a *api) batchGetPartition(ctx context.Context, in *batchGetPartitionRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	if in.PartitionsToGet == nil {
		return nil, missing("partitionsToGet")
	}
	if err := checkLen("partitionsToGet", len(in.PartitionsToGet), 0, 1000); err != nil {
		return nil, err
	}
	lists := make([][]string, len(in.PartitionsToGet))
	for i, v := range in.PartitionsToGet {
		lists[i] = v.Values
	}
	parts, err := a.svc.BatchGetPartition(ctx, *in.DatabaseName, *in.TableName, lists)
	if err != nil {
		return nil, err
	}
	out := struct {
		Partitions      []partition
		UnprocessedKeys []partitionValueList
	}{Partitions: []partition{}, UnprocessedKeys: []partitionValueList{}}
	for i := range parts {
		out.Partitions = append(out.Partitions, a.partition(&parts[i], false))
	}
	return out, nil
}

type updatePartitionRequest struct {
	partitionRequest
	PartitionValueList []string
	PartitionInput     *partitionInput
}

func (a *api) updatePartition(ctx context.Context, in *updatePartitionRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	if in.PartitionValueList == nil {
		return nil, missing("partitionValueList")
	}
	if in.PartitionInput == nil {
		return nil, missing("partitionInput")
	}
	return empty{}, a.svc.UpdatePartition(ctx, *in.DatabaseName, *in.TableName, in.PartitionValueList, in.PartitionInput.toCatalog())
}

type deletePartitionRequest struct {
	partitionRequest
	PartitionValues []string
}

func (a *api) deletePartition(ctx context.Context, in *deletePartitionRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	if in.PartitionValues == nil {
		return nil, missing("partitionValues")
	}
	return empty{}, a.svc.DeletePartition(ctx, *in.DatabaseName, *in.TableName, in.PartitionValues)
}

type batchDeletePartitionRequest struct {
	partitionRequest
	PartitionsToDelete []partitionValueList
}

func (a *api) batchDeletePartition(ctx context.Context, in *batchDeletePartitionRequest) (any, error) {
	if err := a.checkPartitionTable(&in.partitionRequest); err != nil {
		return nil, err
	}
	if in.PartitionsToDelete == nil {
		return nil, missing("partitionsToDelete")
	}
	if err := checkLen("partitionsToDelete", len(in.PartitionsToDelete), 0, 25); err != nil {
		return nil, err
	}
	lists := make([][]string, len(in.PartitionsToDelete))
	for i, v := range in.PartitionsToDelete {
		lists[i] = v.Values
	}
	entryErrs, err := a.svc.BatchDeletePartition(ctx, *in.DatabaseName, *in.TableName, lists)
	if err != nil {
		return nil, err
	}
	return struct{ Errors []partitionError }{partitionErrors(entryErrs, func(i int) []string { return lists[i] })}, nil
}
