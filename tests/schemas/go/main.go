// confluent-kafka-go v2's schema-registry serdes against kafka-dash's registry and decoder.
//
//	serde_go produce BOOTSTRAP REGISTRY_URL DESCRIPTOR_SET   serialize and produce
//	serde_go compare REGISTRY_URL DESCRIPTOR_SET SAVED       check the dashboard's decodes
//
// Avro through avrov2 (hamba/avro) with a schema registered first and used as the latest
// version (its values are Go maps); Protobuf through the protobuf serde with dynamic
// messages built from protoc's descriptor set of tests/schemas/proto (the serializer
// registers .proto text it prints, and the import as a reference). `compare`
// deserializes each saved line's bytes with the same serdes and compares with
// payload_schema.decoded (see same for the representation differences).
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/avrov2"
	"github.com/confluentinc/confluent-kafka-go/v2/schemaregistry/serde/protobuf"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

const avroSchema = `{"type":"record","name":"GoRecord","namespace":"go","fields":[
 {"name":"b","type":"boolean"},{"name":"i","type":"int"},{"name":"l","type":"long"},
 {"name":"f","type":"float"},{"name":"d","type":"double"},{"name":"by","type":"bytes"},
 {"name":"s","type":"string"},
 {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":3}},
 {"name":"day","type":{"type":"int","logicalType":"date"}},
 {"name":"tms","type":{"type":"int","logicalType":"time-millis"}},
 {"name":"tus","type":{"type":"long","logicalType":"time-micros"}},
 {"name":"tsms","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"tsus","type":{"type":"long","logicalType":"timestamp-micros"}},
 {"name":"id","type":{"type":"string","logicalType":"uuid"}},
 {"name":"opt","type":["null","string"]},
 {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["X","Y"]}},
 {"name":"nums","type":{"type":"array","items":"int"}},
 {"name":"attrs","type":{"type":"map","values":"string"}},
 {"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"z","type":"long"}]}}]}`

func avroRecords() []map[string]any {
	ts := time.Date(2023, 11, 14, 22, 13, 20, 123000000, time.UTC)
	return []map[string]any{
		{"b": true, "i": int32(-7), "l": int64(1) << 60, "f": float32(0.5), "d": 3.25,
			"by": []byte{0, 1, 0xff}, "s": "go-1", "dec": big.NewRat(-12345, 1000),
			"day": time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC), "tms": 5*time.Hour + 7*time.Millisecond,
			"tus": time.Microsecond, "tsms": ts, "tsus": ts.Add(456 * time.Microsecond),
			"id": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "opt": nil, "kind": "Y",
			"nums": []int32{1, -2}, "attrs": map[string]any{"k": "v"}, "inner": map[string]any{"z": int64(-1)}},
		{"b": false, "i": int32(0), "l": int64(-1), "f": float32(-1.5), "d": 0.0,
			"by": []byte{}, "s": "go-2", "dec": big.NewRat(1, 1000),
			"day": time.Date(1969, 7, 20, 0, 0, 0, 0, time.UTC), "tms": time.Duration(0),
			"tus": 23*time.Hour + 999999*time.Microsecond, "tsms": time.UnixMilli(0).UTC(), "tsus": time.UnixMicro(-1).UTC(),
			"id": "00000000-0000-0000-0000-000000000001", "opt": "set", "kind": "X",
			"nums": []int32{}, "attrs": map[string]any{}, "inner": map[string]any{"z": int64(7)}},
	}
}

func must(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}

// loadTypes reads protoc's descriptor set (with imports) into files and dynamic types.
func loadTypes(path string) (*protoregistry.Files, *protoregistry.Types) {
	raw, err := os.ReadFile(path)
	must(err, "descriptor set")
	var set descriptorpb.FileDescriptorSet
	must(proto.Unmarshal(raw, &set), "descriptor set")
	files, err := protodesc.NewFiles(&set)
	must(err, "descriptor files")
	types := new(protoregistry.Types)
	files.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		registerMessages(types, fd.Messages())
		return true
	})
	return files, types
}

func registerMessages(types *protoregistry.Types, messages protoreflect.MessageDescriptors) {
	for i := 0; i < messages.Len(); i++ {
		md := messages.Get(i)
		if _, err := types.FindMessageByName(md.FullName()); err != nil {
			must(types.RegisterMessage(dynamicpb.NewMessageType(md)), "register")
		}
		registerMessages(types, md.Messages())
	}
}

// protoMessages: an Order (index [1]) and a nested Order.Line ([1, 0]) from JSON.
func protoMessages(types *protoregistry.Types) []proto.Message {
	texts := map[string]string{
		"shop.Order": `{"id":"go-order","quantity":"-5","status":"SHIPPED","lines":[{"sku":"g","count":1}],
			"tags":{"z":1},"card":"4000","placed_at":"2024-01-01T00:00:00.5Z","ttl":"1.5s",
			"extra":{"k":[1,"two",null]},"note":"go","ship_to":{"street":"S","zip":"1","country":"DE"},
			"weight":2.5,"blob":"AAE=","big":"18446744073709551615","delta":-3,"ratio":0.125}`,
		"shop.Order.Line": `{"sku":"go-line","count":9}`,
	}
	var out []proto.Message
	for _, name := range []string{"shop.Order", "shop.Order.Line"} {
		mt, err := types.FindMessageByName(protoreflect.FullName(name))
		must(err, name)
		msg := mt.New().Interface()
		must(protojson.Unmarshal([]byte(texts[name]), msg), name)
		out = append(out, msg)
	}
	return out
}

func produce(bootstrap, url, descriptors string) {
	client, err := schemaregistry.NewClient(schemaregistry.NewConfig(url))
	must(err, "registry client")
	_, types := loadTypes(descriptors)
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	must(err, "producer")
	defer p.Close()
	send := func(topic string, value []byte) {
		done := make(chan kafka.Event, 1)
		must(p.Produce(&kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny}, Value: value}, done), "produce")
		m := (<-done).(*kafka.Message)
		must(m.TopicPartition.Error, "delivery")
	}

	id, err := client.Register("sr-go-avro-value", schemaregistry.SchemaInfo{Schema: avroSchema}, false)
	must(err, "register avro")
	conf := avrov2.NewSerializerConfig()
	conf.AutoRegisterSchemas = false
	conf.UseLatestVersion = true
	avroSer, err := avrov2.NewSerializer(client, serde.ValueSerde, conf)
	must(err, "avro serializer")
	for _, r := range avroRecords() {
		value, err := avroSer.Serialize("sr-go-avro", &r)
		must(err, "avro serialize")
		send("sr-go-avro", value)
	}
	fmt.Printf("avro: registered id %d, produced %d\n", id, len(avroRecords()))

	protoSer, err := protobuf.NewSerializer(client, serde.ValueSerde, protobuf.NewSerializerConfig())
	must(err, "protobuf serializer")
	msgs := protoMessages(types)
	for _, m := range msgs {
		value, err := protoSer.Serialize("sr-go-proto", m)
		must(err, "protobuf serialize")
		send("sr-go-proto", value)
	}
	fmt.Printf("protobuf: produced %d\n", len(msgs))
}

func compare(url, descriptors, saved string) {
	client, err := schemaregistry.NewClient(schemaregistry.NewConfig(url))
	must(err, "registry client")
	_, types := loadTypes(descriptors)
	avroDe, err := avrov2.NewDeserializer(client, serde.ValueSerde, avrov2.NewDeserializerConfig())
	must(err, "avro deserializer")
	protoDe, err := protobuf.NewDeserializer(client, serde.ValueSerde, protobuf.NewDeserializerConfig())
	must(err, "protobuf deserializer")
	protoDe.ProtoRegistry = types
	f, err := os.Open(saved)
	must(err, "saved file")
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<24)
	same, diff := 0, 0
	for scanner.Scan() {
		var line map[string]any
		must(json.Unmarshal(scanner.Bytes(), &line), "saved line")
		topic := line["topic"].(string)
		data := payloadBytes(line["payload"])
		var theirs any
		if topic == "sr-go-avro" {
			// Into a map: the generic Deserialize needs a registered Go type.
			record := map[string]any{}
			must(avroDe.DeserializeInto(topic, data, &record), "avro deserialize")
			theirs = record
		} else {
			msg, err := protoDe.Deserialize(topic, data)
			must(err, "protobuf deserialize")
			// proto3 JSON as protojson prints it with proto field names and every field.
			text, err := protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}.Marshal(msg.(proto.Message))
			must(err, "protojson")
			must(json.Unmarshal(text, &theirs), "protojson")
		}
		var ours any
		schema, _ := line["payload_schema"].(map[string]any)
		if schema != nil {
			ours = schema["decoded"]
		}
		where := fmt.Sprintf("%s@%v:%v", topic, line["partition"], line["offset"])
		if schema != nil && equal(ours, theirs) {
			same++
			fmt.Printf("same %s (%v)\n", where, schema["name"])
		} else {
			diff++
			o, _ := json.Marshal(ours)
			fmt.Printf("DIFF %s\n  dashboard: %s\n  client:    %#v\n", where, o, theirs)
		}
	}
	fmt.Printf("compared: %d same, %d different\n", same, diff)
	if diff > 0 || same == 0 {
		os.Exit(1)
	}
}

func payloadBytes(p any) []byte {
	if o, ok := p.(map[string]any); ok {
		b, err := base64.StdEncoding.DecodeString(o["base64"].(string))
		must(err, "payload")
		return b
	}
	return []byte(p.(string))
}

func main() {
	if len(os.Args) < 5 {
		fmt.Fprintln(os.Stderr, "usage: serde_go produce BOOTSTRAP URL DESCRIPTORS | compare URL DESCRIPTORS SAVED")
		os.Exit(2)
	}
	if os.Args[1] == "produce" {
		produce(os.Args[2], os.Args[3], os.Args[4])
	} else {
		compare(os.Args[2], os.Args[3], os.Args[4])
	}
}
