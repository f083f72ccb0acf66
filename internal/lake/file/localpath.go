package file

// LocalPath returns the file that holds an object, so engines that read
// local files (DuckDB in the query service) can scan the lake in place. The
// path is computed, not checked: the object may not exist.
func (s *Store) LocalPath(bucket, key string) (string, error) {
	return s.objectPath(bucket, key)
}
