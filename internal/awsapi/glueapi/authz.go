package glueapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// resourceNames are the request fields that name Glue resources. They are
// read leniently, ahead of the operation's own strict decoding, so that one
// table (glueResources) can map every operation to its ARNs.
type resourceNames struct {
	Name, DatabaseName, TableName, CrawlerName string
	DatabaseInput, TableInput                  *struct{ Name string }
	TablesToDelete, CrawlerNames               []string
	CrawlerNameList                            []string
	Role                                       string
}

// glueARNs builds the ARNs of one account's catalog in one region.
type glueARNs struct{ prefix string } // "arn:aws:glue:REGION:ACCOUNT:"

func (g glueARNs) catalog() string               { return g.prefix + "catalog" }
func (g glueARNs) database(db string) string     { return g.prefix + "database/" + db }
func (g glueARNs) table(db, table string) string { return g.prefix + "table/" + db + "/" + table }
func (g glueARNs) crawler(name string) string    { return g.prefix + "crawler/" + name }

// glueResources lists the resources operation op is authorized on; Glue
// checks the action (glue:<op>) on each. Data Catalog operations name the
// catalog, the database and the table, as Glue checks all three; listing
// operations name the wildcard of what they return.
func glueResources(op string, g glueARNs, n *resourceNames) []string {
	db := n.DatabaseName
	switch op {
	case "CreateDatabase":
		return []string{g.catalog(), g.database(inputName(n.DatabaseInput))}
	case "GetDatabase", "UpdateDatabase":
		return []string{g.catalog(), g.database(n.Name)}
	case "DeleteDatabase": // deleting a database deletes its tables
		return []string{g.catalog(), g.database(n.Name), g.table(n.Name, "*")}
	case "GetDatabases":
		return []string{g.catalog(), g.database("*")}
	case "CreateTable":
		return []string{g.catalog(), g.database(db), g.table(db, inputName(n.TableInput))}
	case "GetTable", "UpdateTable", "DeleteTable":
		return []string{g.catalog(), g.database(db), g.table(db, n.Name)}
	case "GetTables":
		return []string{g.catalog(), g.database(db), g.table(db, "*")}
	case "BatchDeleteTable":
		out := []string{g.catalog(), g.database(db)}
		for _, t := range n.TablesToDelete {
			out = append(out, g.table(db, t))
		}
		return out
	case "GetTableVersions", "GetTableVersion", "DeleteTableVersion", "BatchDeleteTableVersion",
		"CreatePartition", "BatchCreatePartition", "GetPartition", "GetPartitions", "BatchGetPartition",
		"UpdatePartition", "DeletePartition", "BatchDeletePartition":
		// Versions and partitions are table-level actions.
		return []string{g.catalog(), g.database(db), g.table(db, n.TableName)}
	case "CreateCrawler", "GetCrawler", "UpdateCrawler", "DeleteCrawler", "StartCrawler", "StopCrawler":
		return []string{g.crawler(n.Name)}
	case "UpdateCrawlerSchedule", "StartCrawlerSchedule", "StopCrawlerSchedule", "ListCrawls":
		return []string{g.crawler(n.CrawlerName)}
	case "BatchGetCrawlers":
		return mapNames(n.CrawlerNames, g.crawler)
	case "GetCrawlers", "ListCrawlers":
		return []string{"*"}
	case "GetCrawlerMetrics":
		if len(n.CrawlerNameList) == 0 {
			return []string{"*"}
		}
		return mapNames(n.CrawlerNameList, g.crawler)
	}
	// An operation added without a mapping is checked on "*", so that only
	// callers allowed everything of the action reach it.
	return []string{"*"}
}

// passesRole reports whether op hands a role to Glue, which needs
// iam:PassRole on it as well.
func passesRole(op string) bool { return op == "CreateCrawler" || op == "UpdateCrawler" }

// authorizeOps wraps every operation of ops with its authorization.
func (a *api) authorizeOps(ops map[string]awsapi.JSONOp) {
	for name, op := range ops {
		ops[name] = a.authorized(op)
	}
}

func (a *api) authorized(op awsapi.JSONOp) awsapi.JSONOp {
	return func(ctx context.Context, call *awsapi.Call) (any, error) {
		if err := a.authorize(ctx, call); err != nil {
			return nil, err
		}
		return op(ctx, call)
	}
}

// authorize checks the call's action on each of its resources, and
// iam:PassRole on the role a crawler is given.
func (a *api) authorize(ctx context.Context, call *awsapi.Call) error {
	var n resourceNames
	if err := decodeLenient(call, &n); err != nil {
		return err
	}
	region := ""
	if call.Auth != nil {
		region = call.Auth.Region
	}
	g := glueARNs{prefix: "arn:aws:glue:" + region + ":" + a.opts.AccountID + ":"}
	action := "glue:" + call.Operation
	for _, res := range glueResources(call.Operation, g, &n) {
		if err := awsapi.Authorize(ctx, action, res, nil); err != nil {
			return err
		}
	}
	if passesRole(call.Operation) && n.Role != "" {
		return awsapi.Authorize(ctx, "iam:PassRole", a.roleARN(n.Role), nil)
	}
	return nil
}

// roleARN accepts a crawler's Role as Glue does: an ARN or a role name.
func (a *api) roleARN(role string) string {
	if strings.HasPrefix(role, "arn:") {
		return role
	}
	return "arn:aws:iam::" + a.opts.AccountID + ":role/" + role
}

// decodeLenient reads the resource names, ignoring every other field (the
// operation's own decoding rejects unknown ones).
func decodeLenient(call *awsapi.Call, n *resourceNames) error {
	body := bytes.TrimSpace(call.Body)
	if len(body) == 0 {
		return nil
	}
	var err error
	if call.Codec != nil && call.Codec.IsCBOR() {
		err = cbor.Unmarshal(body, n)
	} else {
		err = json.Unmarshal(body, n)
	}
	if err != nil {
		return awsapi.Errorf(http.StatusBadRequest, "SerializationException", "%s", err.Error())
	}
	return nil
}

func inputName(in *struct{ Name string }) string {
	if in == nil {
		return ""
	}
	return in.Name
}

func mapNames(names []string, arn func(string) string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = arn(n)
	}
	return out
}
