package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/shoal-dev/shoal/internal/meta"
)

// Default and maximum page sizes of GetPartitions.
const (
	defaultPartitionPage = 1000
	maxPartitionPage     = 1000
)

// valuesKey is a partition's identity within its table: its values as a
// JSON array (unambiguous whatever the values contain, and sortable).
func valuesKey(values []string) string {
	b, _ := json.Marshal(values) // []string always encodes
	return string(b)
}

func checkValues(t *Table, values []string) error {
	if len(t.PartitionKeys) == 0 {
		return invalidInput("Table %s has no partition keys.", t.Name)
	}
	if len(values) != len(t.PartitionKeys) {
		return invalidInput("The number of partition keys do not match the number of partition values (%d keys, %d values).", len(t.PartitionKeys), len(values))
	}
	return nil
}

func normalizePartition(t *Table, in PartitionInput) (PartitionInput, error) {
	if err := checkValues(t, in.Values); err != nil {
		return in, err
	}
	if in.StorageDescriptor != nil {
		sd, err := normalizeStorage(*in.StorageDescriptor)
		if err != nil {
			return in, err
		}
		in.StorageDescriptor = &sd
	}
	return in, nil
}

// CreatePartition adds one partition.
func (s *Service) CreatePartition(ctx context.Context, db, table string, in PartitionInput) error {
	errs, err := s.BatchCreatePartition(ctx, db, table, []PartitionInput{in})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs[0].Err
	}
	return nil
}

// BatchCreatePartition adds partitions; each one that exists already or is
// invalid is reported in its entry and the others are still created.
func (s *Service) BatchCreatePartition(ctx context.Context, db, table string, ins []PartitionInput) ([]EntryError, error) {
	db, table = NormalizeName(db), NormalizeName(table)
	var errs []EntryError
	now := s.nowMillis()
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		t, err := getTable(ctx, tx, db, table)
		if err != nil {
			return err
		}
		for i, in := range ins {
			if err := createPartition(ctx, tx, t, in, now); err != nil {
				if !isCatalogError(err) {
					return err
				}
				errs = append(errs, EntryError{Index: i, Err: err})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create partitions of %s.%s: %w", db, table, err)
	}
	return errs, nil
}

func createPartition(ctx context.Context, tx *meta.Tx, t *Table, in PartitionInput, now int64) error {
	in, err := normalizePartition(t, in)
	if err != nil {
		return err
	}
	key := valuesKey(in.Values)
	if ok, err := partitionExists(ctx, tx, t, key); err != nil {
		return err
	} else if ok {
		return newError(ErrAlreadyExists, "Partition already exists.")
	}
	spec, err := marshalSpec(in)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO catalog_partitions (database_name, table_name, values_key, spec, creation_time) VALUES (?, ?, ?, ?, ?)`,
		t.DatabaseName, t.Name, key, spec, now)
	return err
}

func partitionExists(ctx context.Context, tx *meta.Tx, t *Table, key string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM catalog_partitions WHERE database_name = ? AND table_name = ? AND values_key = ?`,
		t.DatabaseName, t.Name, key).Scan(&n)
	return n > 0, err
}

func decodePartition(t *Table, spec string, created int64) (*Partition, error) {
	p := &Partition{DatabaseName: t.DatabaseName, TableName: t.Name, CreationTime: fromMillis(created)}
	if err := unmarshalSpec(spec, &p.PartitionInput); err != nil {
		return nil, err
	}
	return p, nil
}

func getPartition(ctx context.Context, tx *meta.Tx, t *Table, values []string) (*Partition, error) {
	if err := checkValues(t, values); err != nil {
		return nil, err
	}
	var spec string
	var created int64
	err := tx.QueryRow(ctx, `SELECT spec, creation_time FROM catalog_partitions WHERE database_name = ? AND table_name = ? AND values_key = ?`,
		t.DatabaseName, t.Name, valuesKey(values)).Scan(&spec, &created)
	if meta.IsNoRows(err) {
		return nil, partitionNotFound()
	}
	if err != nil {
		return nil, err
	}
	return decodePartition(t, spec, created)
}

// GetPartition returns the partition with these values.
func (s *Service) GetPartition(ctx context.Context, db, table string, values []string) (*Partition, error) {
	db, table = NormalizeName(db), NormalizeName(table)
	var p *Partition
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		t, err := getTable(ctx, tx, db, table)
		if err != nil {
			return err
		}
		p, err = getPartition(ctx, tx, t, values)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get partition %v of %s.%s: %w", values, db, table, err)
	}
	return p, nil
}

// BatchGetPartition returns the partitions that exist among those asked for,
// in request order; missing or malformed ones are left out, as in Glue.
func (s *Service) BatchGetPartition(ctx context.Context, db, table string, valueLists [][]string) ([]Partition, error) {
	db, table = NormalizeName(db), NormalizeName(table)
	var out []Partition
	err := s.store.View(ctx, func(tx *meta.Tx) error {
		t, err := getTable(ctx, tx, db, table)
		if err != nil {
			return err
		}
		for _, values := range valueLists {
			p, err := getPartition(ctx, tx, t, values)
			if isCatalogError(err) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, *p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get partitions of %s.%s: %w", db, table, err)
	}
	return out, nil
}

// PartitionQuery selects partitions for GetPartitions.
type PartitionQuery struct {
	// Expression is Glue's partition filter ("" for all).
	Expression string
	// Segment splits the partitions into TotalSegments disjoint sets for
	// parallel readers; nil for all.
	Segment *Segment
	Page
}

// Segment is one of TotalSegments (1..10) slices, numbered from 0.
type Segment struct {
	Number, Total int
}

func (seg *Segment) contains(key string) bool {
	if seg == nil || seg.Total <= 1 {
		return true
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32()%uint32(seg.Total)) == seg.Number
}

// GetPartitions lists a table's partitions matching q, one page at a time.
func (s *Service) GetPartitions(ctx context.Context, db, table string, q PartitionQuery) ([]Partition, string, error) {
	db, table = NormalizeName(db), NormalizeName(table)
	if seg := q.Segment; seg != nil && (seg.Total < 1 || seg.Total > 10 || seg.Number < 0 || seg.Number >= seg.Total) {
		return nil, "", invalidInput("Segment %d of %d is not valid: TotalSegments is 1 to 10 and SegmentNumber 0 to TotalSegments-1.", seg.Number, seg.Total)
	}
	after, err := decodeToken(q.Token)
	if err != nil {
		return nil, "", err
	}
	limit := pageSize(q.Page, defaultPartitionPage, maxPartitionPage)
	var out []Partition
	more := false
	err = s.store.View(ctx, func(tx *meta.Tx) error {
		t, err := getTable(ctx, tx, db, table)
		if err != nil {
			return err
		}
		var filter *PartitionFilter
		if q.Expression != "" {
			if filter, err = ParsePartitionFilter(q.Expression, t.PartitionKeys); err != nil {
				return err
			}
		}
		// The filter runs here rather than in SQL: expressions compare by
		// the keys' Hive types, which the JSON-encoded values cannot.
		rows, err := tx.Query(ctx, `SELECT values_key, spec, creation_time FROM catalog_partitions
			WHERE database_name = ? AND table_name = ? AND values_key > ? ORDER BY values_key`, db, table, after)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var key, spec string
			var created int64
			if err := rows.Scan(&key, &spec, &created); err != nil {
				return err
			}
			if !q.Segment.contains(key) {
				continue
			}
			p, err := decodePartition(t, spec, created)
			if err != nil {
				return err
			}
			if filter != nil && !filter.Match(p.Values) {
				continue
			}
			if len(out) == limit {
				// One more match exists, so a next page will not be empty.
				more = true
				break
			}
			out = append(out, *p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", fmt.Errorf("list partitions of %s.%s: %w", db, table, err)
	}
	next := ""
	if more {
		next = encodeToken(valuesKey(out[len(out)-1].Values))
	}
	return out, next, nil
}

// UpdatePartition replaces the definition of the partition with values;
// in.Values may differ, which moves the partition to new values.
func (s *Service) UpdatePartition(ctx context.Context, db, table string, values []string, in PartitionInput) error {
	db, table = NormalizeName(db), NormalizeName(table)
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		t, err := getTable(ctx, tx, db, table)
		if err != nil {
			return err
		}
		if _, err := getPartition(ctx, tx, t, values); err != nil {
			return err
		}
		if in, err = normalizePartition(t, in); err != nil {
			return err
		}
		oldKey, newKey := valuesKey(values), valuesKey(in.Values)
		if newKey != oldKey {
			if ok, err := partitionExists(ctx, tx, t, newKey); err != nil {
				return err
			} else if ok {
				return newError(ErrAlreadyExists, "Partition already exists.")
			}
		}
		spec, err := marshalSpec(in)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE catalog_partitions SET values_key = ?, spec = ? WHERE database_name = ? AND table_name = ? AND values_key = ?`,
			newKey, spec, db, table, oldKey)
		return err
	})
	if err != nil {
		return fmt.Errorf("update partition %v of %s.%s: %w", values, db, table, err)
	}
	return nil
}

// DeletePartition removes one partition.
func (s *Service) DeletePartition(ctx context.Context, db, table string, values []string) error {
	errs, err := s.BatchDeletePartition(ctx, db, table, [][]string{values})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs[0].Err
	}
	return nil
}

// BatchDeletePartition removes partitions, reporting missing ones per entry.
func (s *Service) BatchDeletePartition(ctx context.Context, db, table string, valueLists [][]string) ([]EntryError, error) {
	db, table = NormalizeName(db), NormalizeName(table)
	var errs []EntryError
	err := s.store.Update(ctx, func(tx *meta.Tx) error {
		t, err := getTable(ctx, tx, db, table)
		if err != nil {
			return err
		}
		for i, values := range valueLists {
			if err := deletePartition(ctx, tx, t, values); err != nil {
				if !isCatalogError(err) {
					return err
				}
				errs = append(errs, EntryError{Index: i, Err: err})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete partitions of %s.%s: %w", db, table, err)
	}
	return errs, nil
}

func deletePartition(ctx context.Context, tx *meta.Tx, t *Table, values []string) error {
	if err := checkValues(t, values); err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `DELETE FROM catalog_partitions WHERE database_name = ? AND table_name = ? AND values_key = ?`,
		t.DatabaseName, t.Name, valuesKey(values))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return partitionNotFound()
	}
	return nil
}
