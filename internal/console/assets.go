package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// webFS is the front end: plain ES modules, CSS and the vendored ECharts.
//
//go:embed web
var webFS embed.FS

// asset is one embedded file, with its gzip form when that is smaller.
type asset struct {
	body, gz    []byte
	etag, ctype string
}

// assets serves the embedded files with strong ETags and gzip.
type assets struct {
	files map[string]*asset
	index *template.Template
}

func loadAssets() (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	err := fs.WalkDir(webFS, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".LICENSE") {
			return err
		}
		body, err := webFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		f := &asset{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: mime.TypeByExtension(path.Ext(p))}
		if f.ctype == "" || strings.HasSuffix(p, ".js") {
			f.ctype = map[string]string{".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}[path.Ext(p)]
		}
		if len(body) > 1024 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			if buf.Len() < len(body) {
				f.gz = buf.Bytes()
			}
		}
		a.files[strings.TrimPrefix(p, "web/")] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("console assets: %w", err)
	}
	if a.index, err = template.ParseFS(webFS, "web/index.html"); err != nil {
		return nil, fmt.Errorf("console index: %w", err)
	}
	return a, nil
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := a.files[r.URL.Path]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", f.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	if f.ctype != "" {
		h.Set("Content-Type", f.ctype)
	}
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if f.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	_, _ = w.Write(body)
}

// index serves the single page, carrying the session's CSRF token.
func (c *Console) index(w http.ResponseWriter, _ *http.Request, sess *session) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = c.assets.index.Execute(w, map[string]string{"CSRF": sess.CSRF, "Principal": sess.Principal})
}
