package crawler

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shoal-dev/shoal/internal/catalog"
)

// Table parameters the crawler owns besides the library's statistics.
const (
	paramUpdatedBy    = "UPDATED_BY_CRAWLER"
	paramDeprecatedBy = "DEPRECATED_BY_CRAWLER"
	paramDeserializer = "CrawlerSchemaDeserializerVersion"
	paramSerializer   = "CrawlerSchemaSerializerVersion"
)

// partitionBatch bounds one catalog transaction of partition writes.
const partitionBatch = 1000

// applier writes one crawl's tables to the catalog.
type applier struct {
	s     *Service
	def   Definition
	cfg   config
	runID string
	sum   *Summary
	now   time.Time
}

// ensureDatabase creates the crawler's database when it is missing, as
// Glue's crawler does.
func (a *applier) ensureDatabase(ctx context.Context) error {
	if err := a.s.authorizeGlue(ctx, a.def, "glue:GetDatabase", ""); err != nil {
		return err
	}
	_, err := a.s.catalog.GetDatabase(ctx, a.def.DatabaseName)
	if errors.Is(err, catalog.ErrNotFound) {
		if err := a.s.authorizeGlue(ctx, a.def, "glue:CreateDatabase", ""); err != nil {
			return err
		}
		err = a.s.catalog.CreateDatabase(ctx, catalog.DatabaseInput{Name: a.def.DatabaseName}, nil)
		if errors.Is(err, catalog.ErrAlreadyExists) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("database %s: %w", a.def.DatabaseName, err)
	}
	return nil
}

// apply creates or updates the tables found and handles the crawler's
// tables whose data is gone.
func (a *applier) apply(ctx context.Context, targets []Target, found []Table) error {
	touched := map[string]bool{}
	for _, t := range found {
		name, existing, err := a.tableFor(ctx, t, touched)
		if err != nil {
			return err
		}
		touched[name] = true
		if err := a.applyTable(ctx, name, existing, t); err != nil {
			return fmt.Errorf("table %s: %w", name, err)
		}
	}
	if a.def.RecrawlBehavior == CrawlNewFoldersOnly {
		return nil // only new folders were read: what was not seen is not gone
	}
	return a.removeGone(ctx, targets, touched)
}

// tableFor names the catalog table of t: TablePrefix plus the derived
// name, with a hash of the location appended when that name is taken by a
// table elsewhere, as Glue does.
func (a *applier) tableFor(ctx context.Context, t Table, touched map[string]bool) (string, *catalog.Table, error) {
	name := catalog.NormalizeName(a.def.TablePrefix + t.Name)
	existing, err := a.s.catalog.GetTable(ctx, a.def.DatabaseName, name)
	if errors.Is(err, catalog.ErrNotFound) {
		existing, err = nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	if !touched[name] && (existing == nil || tableLocation(existing) == t.Location) {
		return name, existing, nil
	}
	sum := md5.Sum([]byte(t.Location))
	name += "_" + hex.EncodeToString(sum[:])[:8]
	existing, err = a.s.catalog.GetTable(ctx, a.def.DatabaseName, name)
	if errors.Is(err, catalog.ErrNotFound) {
		return name, nil, nil
	}
	return name, existing, err
}

// authorizeApply checks the Glue actions applyTable performs on a table.
func (a *applier) authorizeApply(ctx context.Context, name string, create, partitioned bool) error {
	actions := []string{"glue:GetTable", "glue:UpdateTable"}
	if create {
		actions[1] = "glue:CreateTable"
	}
	if partitioned {
		actions = append(actions, "glue:GetPartitions", "glue:BatchCreatePartition")
	}
	for _, action := range actions {
		if err := a.s.authorizeGlue(ctx, a.def, action, name); err != nil {
			return err
		}
	}
	return nil
}

func tableLocation(t *catalog.Table) string {
	if t.StorageDescriptor == nil || t.StorageDescriptor.Location == nil {
		return ""
	}
	return *t.StorageDescriptor.Location
}

func (a *applier) applyTable(ctx context.Context, name string, existing *catalog.Table, t Table) error {
	if err := a.authorizeApply(ctx, name, existing == nil, len(t.Partitions) > 0); err != nil {
		return err
	}
	in := a.tableInput(name, t)
	if existing == nil {
		if err := a.s.catalog.CreateTable(ctx, a.def.DatabaseName, in, a.def.Role); err != nil {
			return err
		}
		a.sum.TablesCreated++
		a.s.logger.Info("crawler created table", "crawler", a.def.Name, "table", a.def.DatabaseName+"."+name, "location", t.Location)
		return a.addPartitions(ctx, name, in, t.Partitions)
	}
	if err := a.updateTable(ctx, existing, in); err != nil {
		return err
	}
	return a.syncPartitions(ctx, name, in, t.Partitions)
}

// tableInput is the catalog definition of a crawled table, as Glue's
// crawler writes it.
func (a *applier) tableInput(name string, t Table) catalog.TableInput {
	params := maps.Clone(t.Parameters)
	params[paramUpdatedBy] = a.def.Name
	params[paramDeserializer] = "1.0"
	params[paramSerializer] = "1.0"
	sd := &catalog.StorageDescriptor{
		Columns:         catalogColumns(t.Columns),
		Location:        ptr(t.Location),
		InputFormat:     ptr(t.InputFormat),
		OutputFormat:    ptr(t.OutputFormat),
		Compressed:      t.Parameters["compressionType"] != "none",
		NumberOfBuckets: -1,
		SerdeInfo:       &catalog.SerDeInfo{SerializationLibrary: ptr(t.SerDe.Library), Parameters: maps.Clone(t.SerDe.Parameters)},
		Parameters:      maps.Clone(params),
	}
	return catalog.TableInput{
		Name:              name,
		Owner:             ptr("owner"),
		StorageDescriptor: sd,
		PartitionKeys:     catalogColumns(t.PartitionKeys),
		TableType:         ptr("EXTERNAL_TABLE"),
		Parameters:        params,
	}
}

func catalogColumns(cols []Column) []catalog.Column {
	out := make([]catalog.Column, len(cols))
	for i, c := range cols {
		out[i] = catalog.Column{Name: c.Name, Type: ptr(c.Type)}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// updateTable applies the SchemaChangePolicy to a table the crawl found
// again: UPDATE_IN_DATABASE rewrites what the crawler owns, LOG only logs.
func (a *applier) updateTable(ctx context.Context, existing *catalog.Table, in catalog.TableInput) error {
	if a.cfg.mergeNewColumns && existing.StorageDescriptor != nil {
		in.StorageDescriptor.Columns = mergeNewColumns(existing.StorageDescriptor.Columns, in.StorageDescriptor.Columns)
	}
	if !changed(&existing.TableInput, &in) {
		return nil
	}
	if a.def.SchemaChangePolicy.UpdateBehavior == BehaviorLog {
		a.sum.ChangesLogged++
		a.s.logger.Info("crawler found a changed table; UpdateBehavior LOG leaves it as it is",
			"crawler", a.def.Name, "table", a.def.DatabaseName+"."+existing.Name)
		return nil
	}
	in.Description = existing.Description
	if err := a.s.catalog.UpdateTable(ctx, a.def.DatabaseName, in, catalog.UpdateTableOptions{}); err != nil {
		return err
	}
	a.sum.TablesUpdated++
	a.s.logger.Info("crawler updated table", "crawler", a.def.Name, "table", a.def.DatabaseName+"."+existing.Name)
	return nil
}

// mergeNewColumns keeps the existing columns as they are and appends the
// new ones (CrawlerOutput.Tables.AddOrUpdateBehavior MergeNewColumns).
func mergeNewColumns(old, found []catalog.Column) []catalog.Column {
	out := slices.Clone(old)
	for _, c := range found {
		if !slices.ContainsFunc(old, func(o catalog.Column) bool { return o.Name == c.Name }) {
			out = append(out, c)
		}
	}
	return out
}

// owned is the part of a table definition the crawler writes.
type owned struct {
	Columns, Keys          []string
	Location, In, Out, Lib string
	SerDe, Params          map[string]string
}

func ownedOf(t *catalog.TableInput) owned {
	o := owned{Params: maps.Clone(t.Parameters)}
	delete(o.Params, paramDeprecatedBy)
	for _, c := range t.PartitionKeys {
		o.Keys = append(o.Keys, c.Name+":"+deref(c.Type))
	}
	if sd := t.StorageDescriptor; sd != nil {
		for _, c := range sd.Columns {
			o.Columns = append(o.Columns, c.Name+":"+deref(c.Type))
		}
		o.Location, o.In, o.Out = deref(sd.Location), deref(sd.InputFormat), deref(sd.OutputFormat)
		if sd.SerdeInfo != nil {
			o.Lib, o.SerDe = deref(sd.SerdeInfo.SerializationLibrary), sd.SerdeInfo.Parameters
		}
	}
	return o
}

func changed(a, b *catalog.TableInput) bool {
	oa, ob := ownedOf(a), ownedOf(b)
	return !reflect.DeepEqual(oa, ob) || a.Parameters[paramDeprecatedBy] != ""
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// partitionInputs are the catalog partitions of ps; each inherits the
// table's storage descriptor with its own location.
func partitionInputs(in catalog.TableInput, ps []Partition) []catalog.PartitionInput {
	out := make([]catalog.PartitionInput, len(ps))
	for i, p := range ps {
		sd := *in.StorageDescriptor
		sd.Location = ptr(p.Location)
		sd.Parameters = maps.Clone(in.StorageDescriptor.Parameters)
		out[i] = catalog.PartitionInput{Values: p.Values, StorageDescriptor: &sd, Parameters: sd.Parameters}
	}
	return out
}

func (a *applier) addPartitions(ctx context.Context, table string, in catalog.TableInput, ps []Partition) error {
	ins := partitionInputs(in, ps)
	for start := 0; start < len(ins); start += partitionBatch {
		batch := ins[start:min(start+partitionBatch, len(ins))]
		errs, err := a.s.catalog.BatchCreatePartition(ctx, a.def.DatabaseName, table, batch)
		if err != nil {
			return err
		}
		for _, e := range errs {
			if !errors.Is(e.Err, catalog.ErrAlreadyExists) {
				return fmt.Errorf("partition %v: %w", batch[e.Index].Values, e.Err)
			}
		}
		a.sum.PartitionsAdded += int64(len(batch) - len(errs))
	}
	return nil
}

// syncPartitions adds the partitions the catalog lacks and applies the
// DeleteBehavior to those whose folders are gone.
func (a *applier) syncPartitions(ctx context.Context, table string, in catalog.TableInput, ps []Partition) error {
	have, err := a.partitionKeys(ctx, table)
	if err != nil {
		return err
	}
	var missing []Partition
	for _, p := range ps {
		k := strings.Join(p.Values, "\x00")
		if _, ok := have[k]; !ok {
			missing = append(missing, p)
		}
		delete(have, k)
	}
	if err := a.addPartitions(ctx, table, in, missing); err != nil {
		return err
	}
	if a.def.RecrawlBehavior == CrawlNewFoldersOnly || len(have) == 0 {
		return nil
	}
	if a.def.SchemaChangePolicy.DeleteBehavior != DeleteFromDatabase {
		a.s.logger.Info("crawler found partitions whose folders are gone; DeleteBehavior leaves them",
			"crawler", a.def.Name, "table", a.def.DatabaseName+"."+table, "count", len(have))
		return nil
	}
	gone := slices.Collect(maps.Values(have))
	for start := 0; start < len(gone); start += partitionBatch {
		batch := gone[start:min(start+partitionBatch, len(gone))]
		if _, err := a.s.catalog.BatchDeletePartition(ctx, a.def.DatabaseName, table, batch); err != nil {
			return err
		}
		a.sum.PartitionsDeleted += int64(len(batch))
	}
	return nil
}

// partitionKeys maps every partition of table (values joined by NUL) to
// its values.
func (a *applier) partitionKeys(ctx context.Context, table string) (map[string][]string, error) {
	out := map[string][]string{}
	q := catalog.PartitionQuery{}
	for {
		ps, next, err := a.s.catalog.GetPartitions(ctx, a.def.DatabaseName, table, q)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[strings.Join(p.Values, "\x00")] = p.Values
		}
		if next == "" {
			return out, nil
		}
		q.Token = next
	}
}

// removeGone applies the DeleteBehavior to tables this crawler made under
// its targets that the crawl no longer found.
func (a *applier) removeGone(ctx context.Context, targets []Target, touched map[string]bool) error {
	var gone []catalog.Table
	page := catalog.Page{}
	for {
		ts, next, err := a.s.catalog.GetTables(ctx, a.def.DatabaseName, "", page)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if t.Parameters[paramUpdatedBy] == a.def.Name && !touched[t.Name] && underTargets(tableLocation(&t), targets) {
				gone = append(gone, t)
			}
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	for i := range gone {
		if err := a.removeTable(ctx, &gone[i]); err != nil {
			return fmt.Errorf("table %s: %w", gone[i].Name, err)
		}
	}
	return nil
}

func underTargets(loc string, targets []Target) bool {
	return slices.ContainsFunc(targets, func(t Target) bool { return strings.HasPrefix(loc, t.Location()) })
}

func (a *applier) removeTable(ctx context.Context, t *catalog.Table) error {
	log := a.s.logger.With("crawler", a.def.Name, "table", a.def.DatabaseName+"."+t.Name)
	switch a.def.SchemaChangePolicy.DeleteBehavior {
	case DeleteFromDatabase:
		if err := a.s.catalog.DeleteTable(ctx, a.def.DatabaseName, t.Name); err != nil {
			return err
		}
		log.Info("crawler deleted table whose data is gone")
	case DeprecateInDB:
		if t.Parameters[paramDeprecatedBy] != "" {
			return nil
		}
		in := t.TableInput
		in.Parameters = maps.Clone(in.Parameters)
		in.Parameters[paramDeprecatedBy] = strconv.FormatInt(a.now.UnixMilli(), 10)
		if err := a.s.catalog.UpdateTable(ctx, a.def.DatabaseName, in, catalog.UpdateTableOptions{}); err != nil {
			return err
		}
		log.Info("crawler deprecated table whose data is gone")
	default:
		log.Info("crawler found table whose data is gone; DeleteBehavior LOG leaves it")
		a.sum.ChangesLogged++
		return nil
	}
	a.sum.TablesDeleted++
	return nil
}
