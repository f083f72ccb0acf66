package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// The console's own endpoints (metrics, dashboards) are authorized with the
// IAM actions of their AWS counterparts: CloudWatch for metrics, QuickSight
// for datasets and dashboards. AWS operations the console performs go
// through the Router, which authorizes them itself.

// allowed asks the Authorizer whether the session may perform action on
// resource, and answers 403 (AccessDeniedException) when not.
func (c *Console) allowed(w http.ResponseWriter, r *http.Request, sess *session, action, resource string) bool {
	if c.opts.Authorizer == nil || sess.Identity.Root {
		return true
	}
	err := c.opts.Authorizer.Authorize(r.Context(), sess.Identity, awsapi.AuthzRequest{Action: action, Resource: resource})
	var denied *awsapi.AccessDenied
	switch {
	case err == nil:
		return true
	case errors.As(err, &denied):
		writeError(w, http.StatusForbidden, "AccessDeniedException", denied.Message())
	default:
		c.opts.Logger.Error("console authorization", "action", action, "err", err)
		writeError(w, http.StatusInternalServerError, "InternalFailure", "authorization failed")
	}
	return false
}

// metricsAction guards a metrics endpoint: CloudWatch metrics are not
// resource-scoped in IAM.
func (c *Console) metricsAction(h sessionHandler) sessionHandler {
	return func(w http.ResponseWriter, r *http.Request, sess *session) {
		if c.allowed(w, r, sess, "cloudwatch:GetMetricData", "*") {
			h(w, r, sess)
		}
	}
}

// dashboardsAction guards the dashboards API with QuickSight's action for
// the method and path, on the dashboard's or dataset's ARN.
func (c *Console) dashboardsAction(w http.ResponseWriter, r *http.Request, sess *session) {
	action, resource := c.quickSightAction(r)
	if c.allowed(w, r, sess, action, resource) {
		c.opts.Dashboards.ServeHTTP(w, r)
	}
}

func (c *Console) quickSightAction(r *http.Request) (action, resource string) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/"), "/"), "/")
	kind, id, sub := parts[0], "", ""
	if len(parts) > 1 {
		id = parts[1]
	}
	if len(parts) > 2 {
		sub = parts[2]
	}
	noun, arnType := "Dashboard", "dashboard"
	if kind == "datasets" {
		noun, arnType = "DataSet", "dataset"
	}
	arn := "arn:aws:quicksight:" + c.opts.Region + ":" + c.opts.AccountID + ":" + arnType + "/" + id
	switch {
	case kind == "visuals": // the editor's preview of a visual
		return "quicksight:DescribeDashboard", "*"
	case id == "" && r.Method == http.MethodGet:
		return "quicksight:List" + noun + "s", "*"
	case id == "" || id == "import" || id == "preview":
		return "quicksight:Create" + noun, "*"
	case sub == "refresh":
		return "quicksight:CreateIngestion", arn
	case sub != "" || r.Method == http.MethodGet: // visual data, filter values, export
		return "quicksight:Describe" + noun, arn
	case r.Method == http.MethodDelete:
		return "quicksight:Delete" + noun, arn
	default:
		return "quicksight:Update" + noun, arn
	}
}
