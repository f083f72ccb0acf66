package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/shoal-dev/shoal/internal/awsapi"
)

// maxBody bounds request bodies; a dashboard definition is far smaller.
const maxBody = 4 << 20

// Handler serves the dashboards API (internal/console/API.md). The console
// mounts it behind its session and CSRF checks.
func (s *Service) Handler() http.Handler { return s.mux }

func (s *Service) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /api/datasets", s.listDatasetsHTTP)
	m.HandleFunc("POST /api/datasets", s.createDatasetHTTP)
	m.HandleFunc("POST /api/datasets/preview", s.previewHTTP)
	m.HandleFunc("GET /api/datasets/{id}", s.getDatasetHTTP)
	m.HandleFunc("PUT /api/datasets/{id}", s.updateDatasetHTTP)
	m.HandleFunc("DELETE /api/datasets/{id}", s.deleteDatasetHTTP)
	m.HandleFunc("POST /api/datasets/{id}/refresh", s.refreshHTTP)

	m.HandleFunc("GET /api/dashboards", s.listDashboardsHTTP)
	m.HandleFunc("POST /api/dashboards", s.createDashboardHTTP)
	m.HandleFunc("POST /api/dashboards/import", s.importHTTP)
	m.HandleFunc("GET /api/dashboards/{id}", s.getDashboardHTTP)
	m.HandleFunc("PUT /api/dashboards/{id}", s.updateDashboardHTTP)
	m.HandleFunc("DELETE /api/dashboards/{id}", s.deleteDashboardHTTP)
	m.HandleFunc("GET /api/dashboards/{id}/export", s.exportHTTP)
	m.HandleFunc("POST /api/dashboards/{id}/visuals/{vid}/data", s.visualDataHTTP)
	m.HandleFunc("GET /api/dashboards/{id}/filters/{fid}/values", s.filterValuesHTTP)
	m.HandleFunc("POST /api/visuals/data", s.previewVisualHTTP)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: fmt.Sprintf("no dashboards API at %s %s", r.Method, r.URL.Path)})
	})
	s.mux = m
}

// owner is the signed-in principal the console put in the context.
func owner(r *http.Request) string {
	if a := awsapi.AuthFrom(r.Context()); a != nil {
		return a.Identity.ARN
	}
	return ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Service) writeError(w http.ResponseWriter, err error) {
	status, code, msg := statusOf(err)
	if status >= 500 {
		s.log.Error("dashboards API", "err", err)
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// reply writes v, or the error.
func (s *Service) reply(w http.ResponseWriter, v any, err error) {
	if err != nil {
		s.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// errEmptyBody marks a missing body, which some calls accept.
var errEmptyBody = errors.New("empty body")

// decode reads a JSON body strictly: unknown fields are errors, so a typo
// in a definition is reported rather than silently dropped.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return invalid("request body is larger than %d bytes", maxBody)
		}
		if errors.Is(err, io.EOF) {
			e := invalid("request body is empty; a JSON object is required")
			e.Err = errEmptyBody
			return e
		}
		return invalid("invalid request body: %v", err)
	}
	if dec.More() {
		return invalid("invalid request body: more than one JSON value")
	}
	return nil
}

func (s *Service) listDatasetsHTTP(w http.ResponseWriter, r *http.Request) {
	ds, err := s.ListDatasets(r.Context())
	s.reply(w, map[string]any{"datasets": ds}, err)
}

func (s *Service) createDatasetHTTP(w http.ResponseWriter, r *http.Request) {
	var in Dataset
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, err)
		return
	}
	d, err := s.CreateDataset(r.Context(), inputOf(&in), owner(r))
	s.reply(w, d, err)
}

func (s *Service) previewHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Database string `json:"database"`
		SQL      string `json:"sql"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, err)
		return
	}
	cols, rows, err := s.Preview(r.Context(), in.Database, in.SQL)
	s.reply(w, map[string]any{"columns": cols, "rows": rows}, err)
}

func (s *Service) getDatasetHTTP(w http.ResponseWriter, r *http.Request) {
	d, err := s.GetDataset(r.Context(), r.PathValue("id"))
	s.reply(w, d, err)
}

func (s *Service) updateDatasetHTTP(w http.ResponseWriter, r *http.Request) {
	var in Dataset
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, err)
		return
	}
	d, err := s.UpdateDataset(r.Context(), r.PathValue("id"), inputOf(&in))
	s.reply(w, d, err)
}

func (s *Service) deleteDatasetHTTP(w http.ResponseWriter, r *http.Request) {
	err := s.DeleteDataset(r.Context(), r.PathValue("id"))
	s.reply(w, map[string]any{}, err)
}

func (s *Service) refreshHTTP(w http.ResponseWriter, r *http.Request) {
	d, err := s.Refresh(r.Context(), r.PathValue("id"))
	s.reply(w, d, err)
}

func (s *Service) listDashboardsHTTP(w http.ResponseWriter, r *http.Request) {
	ds, err := s.ListDashboards(r.Context())
	s.reply(w, map[string]any{"dashboards": ds}, err)
}

func (s *Service) createDashboardHTTP(w http.ResponseWriter, r *http.Request) {
	var in Dashboard
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, err)
		return
	}
	d, err := s.CreateDashboard(r.Context(), in, owner(r))
	s.reply(w, d, err)
}

func (s *Service) getDashboardHTTP(w http.ResponseWriter, r *http.Request) {
	d, err := s.GetDashboard(r.Context(), r.PathValue("id"))
	s.reply(w, d, err)
}

func (s *Service) updateDashboardHTTP(w http.ResponseWriter, r *http.Request) {
	var in Dashboard
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, err)
		return
	}
	d, err := s.UpdateDashboard(r.Context(), r.PathValue("id"), in)
	s.reply(w, d, err)
}

func (s *Service) deleteDashboardHTTP(w http.ResponseWriter, r *http.Request) {
	err := s.DeleteDashboard(r.Context(), r.PathValue("id"))
	s.reply(w, map[string]any{}, err)
}

func (s *Service) exportHTTP(w http.ResponseWriter, r *http.Request) {
	doc, err := s.Export(r.Context(), r.PathValue("id"))
	s.reply(w, doc, err)
}

func (s *Service) importHTTP(w http.ResponseWriter, r *http.Request) {
	var doc ImportDocument
	if err := decode(w, r, &doc); err != nil {
		s.writeError(w, err)
		return
	}
	d, err := s.ImportAs(r.Context(), doc, owner(r))
	s.reply(w, d, err)
}

type filtersBody struct {
	Filters map[string]FilterValue `json:"filters"`
}

func (s *Service) visualDataHTTP(w http.ResponseWriter, r *http.Request) {
	var in filtersBody
	if err := decode(w, r, &in); err != nil && !errors.Is(err, errEmptyBody) {
		s.writeError(w, err)
		return
	}
	out, err := s.VisualData(r.Context(), r.PathValue("id"), r.PathValue("vid"), in.Filters)
	s.reply(w, out, err)
}

func (s *Service) filterValuesHTTP(w http.ResponseWriter, r *http.Request) {
	vals, err := s.FilterValues(r.Context(), r.PathValue("id"), r.PathValue("fid"))
	s.reply(w, map[string]any{"values": vals}, err)
}

func (s *Service) previewVisualHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Visual           Visual                 `json:"visual"`
		Filters          map[string]FilterValue `json:"filters"`
		DashboardFilters []Filter               `json:"dashboardFilters"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, err)
		return
	}
	out, err := s.PreviewVisual(r.Context(), in.Visual, in.DashboardFilters, in.Filters)
	s.reply(w, out, err)
}
