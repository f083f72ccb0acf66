package delivery

import "encoding/json"

// Merge applies an ExtendedS3DestinationUpdate: members present in upd
// replace the current ones, absent ones are kept.
func Merge(d *S3Destination, upd *S3Destination) error {
	cur, err := json.Marshal(d)
	if err != nil {
		return err
	}
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(cur, &m)
	u, err := json.Marshal(upd)
	if err != nil {
		return err
	}
	um := map[string]json.RawMessage{}
	_ = json.Unmarshal(u, &um)
	for k, v := range um {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	var out S3Destination
	if err := json.Unmarshal(b, &out); err != nil {
		return invalidArg("invalid destination update: %v", err)
	}
	*d = out
	return nil
}
