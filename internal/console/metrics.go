package console

import "net/http"

// StreamMetrics, DeliveryStats and ChangeFeed are what the resource browser
// and live dashboards need from the services (see API.md).
// TODO(metrics): filled in by the metrics work.
type (
	StreamMetrics interface{}
	DeliveryStats interface{}
	ChangeFeed    interface{}
)

func (c *Console) streamMetrics(w http.ResponseWriter, _ *http.Request, _ *session) {
	writeError(w, http.StatusNotImplemented, "NotImplemented", errNotConfigured.Error())
}

func (c *Console) deliveryStats(w http.ResponseWriter, _ *http.Request, _ *session) {
	writeError(w, http.StatusNotImplemented, "NotImplemented", errNotConfigured.Error())
}

func (c *Console) changes(w http.ResponseWriter, _ *http.Request, _ *session) {
	writeError(w, http.StatusNotImplemented, "NotImplemented", errNotConfigured.Error())
}
