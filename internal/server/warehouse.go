package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"path/filepath"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/iam"
	"github.com/shoal-dev/shoal/internal/query"
	"github.com/shoal-dev/shoal/internal/warehouse"
)

// warehouseParts is the Redshift-style endpoint and its listener.
type warehouseParts struct {
	srv  *warehouse.Server
	ln   net.Listener
	done chan error
}

// openWarehouse opens the warehouse database (data dir/warehouse) unless
// the endpoint is off.
func (s *Server) openWarehouse(ctx context.Context, creds awsapi.CredentialSource, paths query.LocalPaths) error {
	if s.cfg.WarehouseAddr == "off" {
		return nil
	}
	if (s.cfg.WarehouseTLSCert == "") != (s.cfg.WarehouseTLSKey == "") {
		return fmt.Errorf("set both warehouse_tls_cert and warehouse_tls_key, or neither")
	}
	var tlsConfig *tls.Config
	if s.cfg.WarehouseTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.WarehouseTLSCert, s.cfg.WarehouseTLSKey)
		if err != nil {
			return fmt.Errorf("warehouse TLS: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	srv, err := warehouse.New(ctx, warehouse.Options{
		Credentials: creds, Users: s.iam, Dir: filepath.Join(s.cfg.DataDir, "warehouse"),
		Authorizer: s.iam, Directory: iamUsers{s.iam}, Superuser: s.root.AccessKeyID,
		Roles: s.serviceRoles(), AccountID: s.cfg.AccountID, Region: s.cfg.Region,
		Query: s.query, Catalog: s.catalog, Lake: s.lake, Paths: paths,
		ReadDirs:    []string{filepath.Join(s.cfg.DataDir, "lake")},
		MemoryLimit: s.cfg.QueryMemoryLimit, Threads: s.cfg.QueryThreads,
		TLS: tlsConfig, Logger: s.logger,
	})
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	s.wh.srv = srv
	return nil
}

// startWarehouse listens on cfg.WarehouseAddr and serves in the background.
func (s *Server) startWarehouse() error {
	if s.wh.srv == nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.WarehouseAddr)
	if err != nil {
		return fmt.Errorf("warehouse: listen on %s: %w", s.cfg.WarehouseAddr, err)
	}
	s.wh.ln, s.wh.done = ln, make(chan error, 1)
	go func() { s.wh.done <- s.wh.srv.Serve(context.Background(), ln) }()
	return nil
}

// closeWarehouse stops the endpoint and closes its database.
func (s *Server) closeWarehouse(ctx context.Context) error {
	if s.wh.srv == nil {
		return nil
	}
	err := s.wh.srv.Close(ctx)
	if s.wh.done != nil {
		if serveErr := <-s.wh.done; serveErr != nil && !errors.Is(serveErr, warehouse.ErrServerClosed) {
			err = errors.Join(err, serveErr)
		}
	}
	s.wh.srv = nil
	return err
}

// WarehouseAddr is the address the warehouse endpoint listens on, or ""
// when it is off.
func (s *Server) WarehouseAddr() string {
	if s.wh.ln == nil {
		return ""
	}
	return s.wh.ln.Addr().String()
}

// iamUsers tells the warehouse which database users exist: IAM users are
// its users (GRANT to anyone else fails, as on Redshift).
type iamUsers struct{ svc *iam.Service }

func (u iamUsers) UserExists(ctx context.Context, name string) (bool, error) {
	_, err := u.svc.GetUser(ctx, name)
	var ae *awsapi.Error
	if errors.As(err, &ae) {
		return false, nil // NoSuchEntity, or not a valid user name
	}
	return err == nil, err
}
