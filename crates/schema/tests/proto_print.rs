//! `.proto` source printed from `FileDescriptorProto`s (as Confluent's registry stores a
//! schema registered as base64) compiles back to the same descriptor.

use base64::Engine as _;
use prost_reflect::prost::Message as _;
use prost_reflect::prost_types::FileDescriptorProto;
use schema::compat::{check, proto_source, serialized, Kind, Level, SchemaText};
use schema::proto_print::print_file;

const MONEY: &str = include_str!("common/money.proto");

/// A proto3 file with most of what the printer covers, importing well-known types and a
/// second user file.
const RICH3: &str = r#"syntax = "proto3";
package acme.shop.v1;

import "google/protobuf/timestamp.proto";
import "google/protobuf/any.proto";
import "google/protobuf/empty.proto";
import "common/money.proto";

option java_package = "com.acme.shop";
option java_multiple_files = true;
option go_package = "github.com/acme/shop;shop";
option optimize_for = SPEED;

message Basket {
  string id = 1;
  optional int32 priority = 2;
  repeated Item items = 3;
  map<string, Item> by_sku = 4;
  map<int64, Colour> colours = 5;
  oneof owner {
    string user = 6;
    uint64 account = 7;
  }
  google.protobuf.Timestamp created = 8;
  google.protobuf.Any extra = 9;
  common.Money total = 10;
  repeated int32 packed_off = 11 [packed = false];
  string odd_name = 12 [json_name = "oddly"];
  bytes blob = 13;
  double d = 14; float f = 15; fixed32 f32 = 16; fixed64 f64 = 17;
  sfixed32 sf32 = 18; sfixed64 sf64 = 19; sint32 s32 = 20; sint64 s64 = 21;
  bool flag = 22; uint32 u32 = 23;
  optional string note = 24;
  reserved 30, 40 to 50, 100 to max;
  reserved "gone", "old_name";

  message Item {
    string sku = 1;
    Colour colour = 2;
    message Detail {
      map<string, string> attrs = 1;
      oneof kind { int32 small = 2; Detail nested = 3; }
    }
    Detail detail = 3;
  }
}

enum Colour {
  option allow_alias = true;
  COLOUR_UNSPECIFIED = 0;
  RED = 1;
  CRIMSON = 1;
  BLUE = -2;
  reserved 5, 8 to 10, 20 to max;
  reserved "GREEN";
}

service Baskets {
  rpc Get(Basket) returns (Basket);
  rpc Watch(google.protobuf.Empty) returns (stream Basket);
  rpc Upload(stream Basket.Item) returns (google.protobuf.Empty);
  rpc Chat(stream Basket) returns (stream Basket);
}
"#;

/// A proto2 file: labels, defaults (escaped strings, bytes, enums, inf) and a public import.
const RICH2: &str = r#"syntax = "proto2";
package legacy;

import public "common/money.proto";

message Record {
  required string name = 1 [default = "a \"quoted\"\n\\ name é"];
  optional int32 count = 2 [default = -7];
  optional double ratio = 3 [default = inf];
  optional bytes raw = 4 [default = "\001\377x"];
  optional Kind kind = 5 [default = B];
  repeated int32 packed = 6 [packed = true];
  repeated string plain = 7;
  optional bool ok = 8 [default = true, deprecated = true];
  optional float neg = 9 [default = -nan];
  optional common.Money total = 10;
  enum Kind { A = 1; B = 2; }
  oneof choice { string left = 11; int64 right = 12; }
  reserved 20 to 29;
}
"#;

fn proto(text: &str) -> SchemaText {
    SchemaText::new(Kind::Protobuf, text)
}

fn with_money(text: &str) -> SchemaText {
    proto(text).with_reference("common/money.proto", proto(MONEY).with_version(1))
}

fn decode(b64: &str) -> FileDescriptorProto {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap();
    FileDescriptorProto::decode(bytes.as_slice()).unwrap()
}

/// Prints `source`'s descriptor, checks the text compiles back to the same descriptor
/// (`proto_source` answers only then) and is compatible both ways with the original.
fn round_trip(source: &str) -> String {
    let b64 = serialized(&with_money(source)).unwrap().unwrap();
    let text = proto_source(&with_money(&b64))
        .unwrap()
        .unwrap_or_else(|| panic!("not equivalent:\n{}", print_file(&decode(&b64))));
    assert_eq!(text, print_file(&decode(&b64)));
    assert!(check(
        Level::FullTransitive,
        &with_money(&text),
        &[with_money(source)]
    )
    .is_empty());
    // Printing is stable: the printed text's own descriptor prints the same.
    let again = serialized(&with_money(&text)).unwrap().unwrap();
    assert_eq!(print_file(&decode(&again)), text);
    text
}

#[test]
fn python_serializer_descriptors_print_as_equivalent_source() {
    let money = proto_source(&proto(include_str!("common/money.desc.b64")))
        .unwrap()
        .unwrap();
    assert_eq!(
        money,
        "syntax = \"proto3\";\npackage common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n"
    );
    let order = with_money(include_str!("order.desc.b64"));
    let text = proto_source(&order).unwrap().unwrap();
    for line in [
        "import \"google/protobuf/timestamp.proto\";",
        "  .shop.Order.Status status = 3;",
        "  repeated .shop.Order.Line lines = 4;",
        "  map<string, int32> tags = 5;",
        "  oneof payment {\n    string card = 6;\n    string voucher = 7;\n  }",
        "  .common.Money total = 12;",
        "  enum Status {\n    PENDING = 0;\n    SHIPPED = 1;\n  }",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    assert!(!text.contains("TagsEntry"), "{text}");
    assert!(check(
        Level::FullTransitive,
        &with_money(&text),
        &[with_money(include_str!("order.proto"))]
    )
    .is_empty());
}

#[test]
fn rich_proto3_round_trips() {
    let text = round_trip(RICH3);
    for line in [
        "option java_package = \"com.acme.shop\";",
        "option java_multiple_files = true;",
        "option optimize_for = SPEED;",
        "  optional int32 priority = 2;",
        "  map<string, .acme.shop.v1.Basket.Item> by_sku = 4;",
        "  map<int64, .acme.shop.v1.Colour> colours = 5;",
        "  repeated int32 packed_off = 11 [packed = false];",
        "  string odd_name = 12 [json_name = \"oddly\"];",
        "  reserved 30, 40 to 50, 100 to max;",
        "  reserved \"gone\", \"old_name\";",
        "  reserved 5, 8 to 10, 20 to max;",
        "  option allow_alias = true;",
        "  rpc Watch(.google.protobuf.Empty) returns (stream .acme.shop.v1.Basket);",
        "  rpc Chat(stream .acme.shop.v1.Basket) returns (stream .acme.shop.v1.Basket);",
        "      oneof kind {",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    // Synthetic oneofs of proto3 `optional` and map entry messages are not printed.
    assert!(!text.contains("_priority"), "{text}");
    assert!(!text.contains("Entry"), "{text}");
}

#[test]
fn rich_proto2_round_trips() {
    let text = round_trip(RICH2);
    for line in [
        "import public \"common/money.proto\";",
        "  required string name = 1 [default = ",
        "  optional .legacy.Record.Kind kind = 5 [default = B];",
        "  repeated int32 packed = 6 [packed = true];",
        "  repeated string plain = 7;",
        "  optional .common.Money total = 10;",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn source_and_other_kinds_have_no_printed_form() {
    assert_eq!(proto_source(&proto(MONEY)), Ok(None));
    assert_eq!(
        proto_source(&SchemaText::new(Kind::Avro, "\"int\"")),
        Ok(None)
    );
}

#[test]
fn descriptors_holding_what_is_not_printed_are_not_converted() {
    // Extensions are not printed: the check against the original refuses the text.
    let extended = "syntax = \"proto2\";\npackage x;\nmessage M { extensions 10 to 20; }\nextend M { optional int32 e = 10; }\n";
    let b64 = serialized(&proto(extended)).unwrap().unwrap();
    assert_eq!(proto_source(&proto(&b64)), Ok(None));
}
