package main

import (
	"math"
	"math/big"
	"strings"
	"time"
)

// equal compares the dashboard's JSON with the Go deserializer's value. The differences
// it normalises (hamba/avro's generic values):
//   - decimal: *big.Rat, the dashboard's decimal text ("-12.345");
//   - date, timestamp-*: time.Time, the dashboard's ISO 8601 text (compared as instants);
//   - time-millis/-micros: time.Duration since midnight, the dashboard's "HH:MM:SS[.fff]";
//   - bytes: []byte, the dashboard's Avro JSON string (a code point per byte);
//   - unions: hamba's generic value of a non-null branch is {"type name": value}, Avro's
//     JSON encoding; the dashboard shows the value alone (its type is in the schema);
//   - numbers: JSON's float64 on our side, Go's sized ints and floats on theirs.
//
// Protobuf values arrive as protojson's proto3 JSON, the dashboard's form already.
func equal(ours, theirs any) bool {
	switch t := theirs.(type) {
	case map[string]any:
		if len(t) == 1 {
			for _, v := range t {
				if equal(ours, v) {
					return true
				}
			}
		}
		o, ok := ours.(map[string]any)
		if !ok || len(o) != len(t) {
			return false
		}
		for k, v := range t {
			if !equal(o[k], v) {
				return false
			}
		}
		return true
	case []any:
		o, ok := ours.([]any)
		if !ok || len(o) != len(t) {
			return false
		}
		for i := range t {
			if !equal(o[i], t[i]) {
				return false
			}
		}
		return true
	case []byte:
		var b strings.Builder
		for _, c := range t {
			b.WriteRune(rune(c))
		}
		return ours == b.String()
	case *big.Rat:
		s, ok := ours.(string)
		r, ok2 := new(big.Rat).SetString(s)
		return ok && ok2 && r.Cmp(t) == 0
	case time.Time:
		s, _ := ours.(string)
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
			if p, err := time.Parse(layout, s); err == nil {
				return p.Equal(t)
			}
		}
		return false
	case time.Duration:
		s, _ := ours.(string)
		p, err := time.Parse("15:04:05.999999999", s)
		if err != nil {
			return false
		}
		return p.Sub(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)) == t
	case int, int32, int64, float32, float64:
		o, ok := ours.(float64)
		return ok && closeTo(o, toFloat(t))
	default:
		return ours == theirs
	}
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case float32:
		return float64(n)
	}
	return v.(float64)
}

func closeTo(a, b float64) bool {
	return a == b || math.Abs(a-b) <= math.Abs(b)*1e-7
}
