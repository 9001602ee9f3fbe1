#!/usr/bin/env python3
"""Differential test of two Confluent-API schema registries: ours (kafka-dash) and a reference
(Karapace). Both get the same sequence of REST cases; answers are normalised for what may
legitimately differ (ids allocated from another starting point, key order, schema text
formatting, and the documented deliberate differences in DELIBERATE) and then compared.

Run by hand (Karapace is not installable in CI); see run.sh. Standard library only.

  run.py [--ours URL] [--theirs URL] [--json OUT] [--verbose]

Without URLs it starts `kafka-dash broker --schema-registry` (KAFKA_DASH_BIN) and Karapace
(KARAPACE_REGISTRY_SH start); it stops only what it started.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

CT = "application/vnd.schemaregistry.v1+json"

# Where we follow Confluent rather than Karapace. Keyed by case name; each entry says what is
# compared instead, and which Confluent source file fixes our behaviour. These cases are run
# and reported, but not counted as differences.
DELIBERATE = {
    "ids-schema-raw": ("Karapace has no /schemas/ids/{id}/schema (404); Confluent serves it",
                       "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SchemasResource.java (getSchemaOnly)"),
    "ids-subjects": ("Karapace has no /schemas/ids/{id}/subjects (404); Confluent serves it",
                     "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SchemasResource.java (getSubjects)"),
    "compat-no-version": ("Karapace has no POST /compatibility/subjects/{s}/versions (404); Confluent checks against all versions",
                          "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/CompatibilityResource.java (testCompatibilityForSubject)"),
    "version-schema-proto": ("Karapace answers 500 for /versions/N/schema of a Protobuf schema",
                             "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SubjectVersionsResource.java (getSchemaOnly)"),
    "latest-after-soft-delete-only": ("Karapace answers 40401 when the only version is soft-deleted; Confluent looks the version up in an existing subject and answers 40402",
                                      "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SubjectVersionsResource.java (getSchemaByVersion)"),
    "config-put-global": ("Karapace answers PUT /config with {compatibility}; Confluent's ConfigUpdateRequest echoes {compatibility} too but 7.x+ serialises compatibilityLevel as well",
                          "client/src/main/java/io/confluent/kafka/schemaregistry/client/rest/entities/requests/ConfigUpdateRequest.java"),
    "config-delete-subject": ("Karapace answers DELETE /config/{s} with the global level; Confluent answers the deleted subject-level config",
                              "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/ConfigResource.java (deleteSubjectConfig)"),
    "unknown-schema-type": ("Karapace's FastAPI validation error (message is a list, code 422); Confluent answers 42201 Invalid schema type",
                            "core/src/main/java/io/confluent/kafka/schemaregistry/storage/KafkaSchemaRegistry.java (parseSchema: 'Invalid schema type')"),
    "root": ("Karapace answers GET / as application/json; Confluent's RootResource produces the v1 type first",
             "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/RootResource.java (@Produces)"),
    "ids-missing": ("Karapace: 'Schema not found'; Confluent names the id",
                    "core/src/main/java/io/confluent/kafka/schemaregistry/rest/exceptions/Errors.java (schemaNotFoundException(Integer): 'Schema %s not found')"),
    "schemas-prefix": ("Karapace ignores subjectPrefix and lists schemaType AVRO and references null; Confluent filters, and its Schema entity is @JsonInclude(NON_EMPTY)",
                       "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SchemasResource.java (getSchemas); client/.../rest/entities/Schema.java"),
    "schemas-prefix-latest": ("as schemas-prefix", "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SchemasResource.java (getSchemas)"),
    "compat-subject-missing": ("Karapace: 40402 'Version -1 not found.'; Confluent checks 'latest' of a missing subject against nothing: compatible",
                               "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/CompatibilityResource.java (testCompatibilityBySubjectName: versionNotFound only when !isLatest)"),
    "config-subject-put-invalid": ("Karapace's 42203 text is shorter; Confluent's lists the valid levels",
                                   "core/src/main/java/io/confluent/kafka/schemaregistry/rest/exceptions/Errors.java (invalidCompatibilityLevelException)"),
    "config-delete-subject-again": ("Karapace answers 200 with the global level; Confluent throws subjectNotFoundException (40401) when the subject has no config",
                                    "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/ConfigResource.java (deleteSubjectConfig)"),
    "mode-reset": ("Karapace 6.2.0 has no PUT /mode (405); Confluent sets the mode", "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/ModeResource.java (updateTopLevelMode)"),
    "mode-readonly": ("as mode-reset", "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/ModeResource.java"),
    "mode-readwrite": ("as mode-reset", "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/ModeResource.java"),
    "mode-invalid": ("as mode-reset; Confluent answers 42204 Invalid mode", "core/src/main/java/io/confluent/kafka/schemaregistry/rest/exceptions/Errors.java (invalidModeException)"),
    "register-readonly": ("Karapace cannot be put in READONLY (see mode-reset); Confluent answers 42205 (the subject P-ro is used nowhere else)",
                          "core/src/main/java/io/confluent/kafka/schemaregistry/storage/KafkaSchemaRegistry.java (register: OperationNotPermittedException)"),
    "bad-json-body": ("Karapace: FastAPI's 422 with a list as message; Confluent (rest-utils' JsonParseExceptionMapper) answers 400",
                      "rest-utils: core/src/main/java/io/confluent/rest/exceptions/JsonParseExceptionMapper.java"),
    "body-missing-schema": ("Karapace: FastAPI's 422 list; Confluent parses a null schema and answers 42201",
                            "core/src/main/java/io/confluent/kafka/schemaregistry/storage/AbstractSchemaRegistry.java (loadSchema)"),
    "unknown-path": ("Karapace: bare JSON string 'Not Found'; Confluent (Jersey via rest-utils) answers {error_code:404, message:'HTTP 404 Not Found'}",
                     "rest-utils: core/src/main/java/io/confluent/rest/exceptions/WebApplicationExceptionMapper.java"),
    "delete-version-1-again": ("Karapace adds a space after 'soft deleted.'; Confluent's format has none",
                               "core/src/main/java/io/confluent/kafka/schemaregistry/rest/exceptions/Errors.java (SCHEMAVERSION_SOFT_DELETED_MESSAGE_FORMAT)"),
    "latest-schema-avro": ("as version-schema-proto (Karapace's 500 for Protobuf /schema)",
                           "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SubjectVersionsResource.java (getSchemaOnly)"),
    "config-lowercase": ("Karapace rejects a lower-case level; Confluent upper-cases it",
                         "client/src/main/java/io/confluent/kafka/schemaregistry/CompatibilityLevel.java (forName: name.toUpperCase())"),
    "config-get-lowercase": ("follows config-lowercase", "client/src/main/java/io/confluent/kafka/schemaregistry/CompatibilityLevel.java"),
    "config-missing-subject": ("Karapace: 40401 for a subject without versions; Confluent: 40408 whenever no subject-level config exists",
                               "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/ConfigResource.java (getSubjectLevelConfig)"),
    "config-missing-subject-default": ("Karapace: 40401; Confluent falls back to the global config with defaultToGlobal=true",
                                       "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/ConfigResource.java (getSubjectLevelConfig)"),
    "subjects-prefix": ("Karapace ignores subjectPrefix on /subjects; Confluent filters",
                        "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/SubjectsResource.java (list)"),
    "register-with-version": ("Karapace ignores a requested version; Confluent answers 42201 'Version is not one more than previous version' outside IMPORT mode",
                              "core/src/main/java/io/confluent/kafka/schemaregistry/storage/KafkaSchemaRegistry.java (register)"),
    "delete-latest-permanent-live": ("Karapace names the version as given ('latest'); Confluent's exception carries the resolved number",
                                     "core/src/main/java/io/confluent/kafka/schemaregistry/storage/KafkaSchemaRegistry.java (SchemaVersionNotSoftDeletedException(subject, schema.getVersion().toString()))"),
    "content-type-text": ("Karapace's 415 body has no error_code; Confluent's rest-utils mapper writes the status as error_code",
                          "rest-utils: core/src/main/java/io/confluent/rest/exceptions/WebApplicationExceptionMapper.java"),
}
# Differences where Karapace and Confluent agree and we do not yet: reported apart from new
# differences so a run shows what is still open, and removed once fixed.
KNOWN = {
    "register-pb-whitespace-again": "Confluent (and Karapace) compare Protobuf schemas in their formatted "
                                    "canonical text (ProtobufSchema.canonicalString()), so other whitespace "
                                    "gives the same id; we compare the text as given",
}
# Bodies that are not the object expected: Karapace answers FastAPI's validation list (error_code
# 422, message a list); Confluent's rest-utils/Jackson answer a string message.
for _name in ("body-array", "body-string", "body-empty", "config-body-missing"):
    DELIBERATE[_name] = ("Karapace's FastAPI validation list; Confluent answers Jackson/JAX-RS errors (422) or 42201/42203",
                         "rest-utils: core/src/main/java/io/confluent/rest/exceptions/*ExceptionMapper.java; ConfigResource.java (updateSubjectLevelConfig)")
# Karapace fills compatibility messages without ?verbose=true; Confluent only when verbose.
for _name in ("compat-pb-bad", "compat-js-good", "compat-js-bad", "compat-avro-bad", "compat-avro-version-1"):
    DELIBERATE[_name] = ("Karapace sends messages without verbose=true; Confluent only with it",
                         "core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/CompatibilityResource.java (createCompatibilityCheckResponse)")

# Compared loosely everywhere, since only the parser's wording differs: 42201 messages (the
# reasons come from different schema parsers; the error code and its 'Invalid' start are kept)
# and compatibility messages (Karapace's flat strings vs Confluent's structured
# '{errorType:..., description:...}' strings: CompatibilityChecker / AvroCompatibilityChecker
# in Confluent's client; only whether messages are present is compared).


def case(name, method, path, body=None, save=None, headers=None):
    """One REST call; `save` names a per-registry capture of the answer's `id`; `headers`
    replace the default Content-Type/Accept (Confluent's v1 type)."""
    return {"name": name, "method": method, "path": path, "body": body, "save": save,
            "headers": headers}


def avro(fields, name="Rd"):
    """An Avro record schema's text."""
    return json.dumps({"type": "record", "name": name, "namespace": "rd", "fields": fields})


AV1 = avro([{"name": "a", "type": "int"}])
AV2 = avro([{"name": "a", "type": "int"}, {"name": "b", "type": "string", "default": ""}])
AV_BAD = avro([{"name": "a", "type": "string"}])
AV1_PRETTY = json.dumps(json.loads(AV1), indent=2)
PB1 = 'syntax = "proto3";\npackage rd;\n\nmessage Rd {\n  int32 a = 1;\n}\n'
PB2 = 'syntax = "proto3";\npackage rd;\n\nmessage Rd {\n  int32 a = 1;\n  string b = 2;\n}\n'
PB_BAD = 'syntax = "proto3";\npackage rd;\n\nmessage Rd {\n  string a = 1;\n}\n'
JS1 = json.dumps({"type": "object", "properties": {"a": {"type": "integer"}}})
JS2 = json.dumps({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}})
JS_BAD = json.dumps({"type": "object", "properties": {"a": {"type": "string"}}})
ADDR = avro([{"name": "street", "type": "string"}], name="Addr")
WITH_REF = json.dumps({"type": "record", "name": "Person", "namespace": "rd",
                       "fields": [{"name": "addr", "type": "rd.Addr"}]})


def cases(p):
    """The sequence; `p` is this run's subject prefix, so earlier runs' subjects do not matter."""
    a, b, pb, js, addr, per = f"{p}a", f"{p}b", f"{p}pb", f"{p}js", f"{p}addr", f"{p}person"
    s = lambda schema, **kw: dict({"schema": schema}, **kw)
    c = [
        case("config-reset", "PUT", "/config", {"compatibility": "BACKWARD"}),
        case("mode-reset", "PUT", "/mode", {"mode": "READWRITE"}),
        case("root", "GET", "/"),
        case("types", "GET", "/schemas/types"),
        case("config-global", "GET", "/config"),
        case("mode-global", "GET", "/mode"),
        case("subject-missing", "GET", f"/subjects/{a}/versions"),
        case("version-missing-subject", "GET", f"/subjects/{a}/versions/1"),
        case("register-a1", "POST", f"/subjects/{a}/versions", s(AV1), save="a1"),
        case("register-a1-again", "POST", f"/subjects/{a}/versions", s(AV1)),
        case("register-a1-pretty", "POST", f"/subjects/{a}/versions", s(AV1_PRETTY)),
        case("register-a1-explicit-avro", "POST", f"/subjects/{a}/versions", s(AV1, schemaType="AVRO")),
        case("register-a1-under-b", "POST", f"/subjects/{b}/versions", s(AV1)),
        case("register-a2", "POST", f"/subjects/{a}/versions", s(AV2), save="a2"),
        case("register-a-incompatible", "POST", f"/subjects/{a}/versions", s(AV_BAD)),
        case("versions-a", "GET", f"/subjects/{a}/versions"),
        case("version-1", "GET", f"/subjects/{a}/versions/1"),
        case("version-latest", "GET", f"/subjects/{a}/versions/latest"),
        case("version-minus-1", "GET", f"/subjects/{a}/versions/-1"),
        case("version-99", "GET", f"/subjects/{a}/versions/99"),
        case("version-0", "GET", f"/subjects/{a}/versions/0"),
        case("version-abc", "GET", f"/subjects/{a}/versions/abc"),
        case("version-minus-2", "GET", f"/subjects/{a}/versions/-2"),
        case("version-schema-avro", "GET", f"/subjects/{a}/versions/1/schema"),
        case("version-referencedby-none", "GET", f"/subjects/{a}/versions/1/referencedby"),
        case("lookup-hit", "POST", f"/subjects/{a}", s(AV1)),
        case("lookup-miss-schema", "POST", f"/subjects/{a}", s(AV_BAD)),
        case("lookup-miss-subject", "POST", f"/subjects/{p}nosuch", s(AV1)),
        case("lookup-invalid", "POST", f"/subjects/{a}", s("{not json")),
        case("ids", "GET", "/schemas/ids/{a1}"),
        case("ids-subject-param", "GET", "/schemas/ids/{a1}?subject=" + a),
        case("ids-schema-raw", "GET", "/schemas/ids/{a1}/schema"),
        case("ids-subjects", "GET", "/schemas/ids/{a1}/subjects"),
        case("ids-versions", "GET", "/schemas/ids/{a1}/versions"),
        case("ids-missing", "GET", "/schemas/ids/999999"),
        case("ids-not-a-number", "GET", "/schemas/ids/abc"),
        case("schemas-prefix", "GET", f"/schemas?subjectPrefix={a}"),
        case("schemas-prefix-latest", "GET", f"/schemas?subjectPrefix={a}&latestOnly=true"),
        case("subjects-list", "GET", "/subjects"),
        # Protobuf and JSON Schema
        case("register-pb1", "POST", f"/subjects/{pb}/versions", s(PB1, schemaType="PROTOBUF"), save="pb1"),
        case("register-pb2", "POST", f"/subjects/{pb}/versions", s(PB2, schemaType="PROTOBUF")),
        case("compat-pb-bad", "POST", f"/compatibility/subjects/{pb}/versions/latest", s(PB_BAD, schemaType="PROTOBUF")),
        case("compat-pb-bad-verbose", "POST", f"/compatibility/subjects/{pb}/versions/latest?verbose=true", s(PB_BAD, schemaType="PROTOBUF")),
        case("register-pb-bad", "POST", f"/subjects/{pb}/versions", s(PB_BAD, schemaType="PROTOBUF")),
        case("ids-pb", "GET", "/schemas/ids/{pb1}"),
        case("version-schema-proto", "GET", f"/subjects/{pb}/versions/1/schema"),
        case("register-js1", "POST", f"/subjects/{js}/versions", s(JS1, schemaType="JSON"), save="js1"),
        case("compat-js-good", "POST", f"/compatibility/subjects/{js}/versions/latest", s(JS2, schemaType="JSON")),
        case("compat-js-bad", "POST", f"/compatibility/subjects/{js}/versions/latest", s(JS_BAD, schemaType="JSON")),
        case("compat-js-bad-verbose", "POST", f"/compatibility/subjects/{js}/versions/latest?verbose=true", s(JS_BAD, schemaType="JSON")),
        case("ids-js", "GET", "/schemas/ids/{js1}"),
        case("version-js", "GET", f"/subjects/{js}/versions/1"),
        # Compatibility at every level
        case("compat-avro-good", "POST", f"/compatibility/subjects/{a}/versions/latest", s(AV2)),
        case("compat-avro-bad", "POST", f"/compatibility/subjects/{a}/versions/latest", s(AV_BAD)),
        case("compat-avro-bad-verbose", "POST", f"/compatibility/subjects/{a}/versions/latest?verbose=true", s(AV_BAD)),
        case("compat-avro-version-1", "POST", f"/compatibility/subjects/{a}/versions/1", s(AV_BAD)),
        case("compat-no-version", "POST", f"/compatibility/subjects/{a}/versions", s(AV_BAD)),
        case("compat-version-99", "POST", f"/compatibility/subjects/{a}/versions/99", s(AV2)),
        case("compat-subject-missing", "POST", f"/compatibility/subjects/{p}nosuch/versions/latest", s(AV2)),
        case("compat-invalid-schema", "POST", f"/compatibility/subjects/{a}/versions/latest", s("{nope")),
        # Config
        case("config-subject-unset", "GET", f"/config/{a}"),
        case("config-subject-default", "GET", f"/config/{a}?defaultToGlobal=true"),
        case("config-subject-put", "PUT", f"/config/{a}", {"compatibility": "NONE"}),
        case("config-subject-get", "GET", f"/config/{a}"),
        case("register-a-bad-now-ok", "POST", f"/subjects/{a}/versions", s(AV_BAD)),
        case("config-subject-put-invalid", "PUT", f"/config/{a}", {"compatibility": "SIDEWAYS"}),
        case("config-delete-subject", "DELETE", f"/config/{a}"),
        case("config-delete-subject-again", "DELETE", f"/config/{a}"),
        case("config-put-global", "PUT", "/config", {"compatibility": "FULL"}),
        case("config-global-after", "GET", "/config"),
        case("config-put-global-back", "PUT", "/config", {"compatibility": "BACKWARD"}),
        # Mode
        case("mode-readonly", "PUT", "/mode", {"mode": "READONLY"}),
        case("register-readonly", "POST", f"/subjects/{p}ro/versions", s(AV2)),
        case("mode-readwrite", "PUT", "/mode", {"mode": "READWRITE"}),
        case("mode-invalid", "PUT", "/mode", {"mode": "SIDEWAYS"}),
        # Bad bodies and schemas
        case("bad-json-body", "POST", f"/subjects/{b}/versions", "{not json"),
        case("body-missing-schema", "POST", f"/subjects/{b}/versions", {"schemaType": "AVRO"}),
        case("unknown-schema-type", "POST", f"/subjects/{b}/versions", s(AV1, schemaType="XML")),
        case("invalid-avro-syntax", "POST", f"/subjects/{b}/versions", s('{"type":"record"')),
        case("invalid-avro-type", "POST", f"/subjects/{b}/versions", s(avro([{"name": "a", "type": "nosuchtype"}]))),
        case("invalid-proto", "POST", f"/subjects/{b}/versions", s('syntax = "proto3"; message {', schemaType="PROTOBUF")),
        case("invalid-json-schema", "POST", f"/subjects/{b}/versions", s('{"type": 12}', schemaType="JSON")),
        case("unknown-path", "GET", "/nonexistent-path"),
        # References
        case("register-addr", "POST", f"/subjects/{addr}/versions", s(ADDR)),
        case("register-person", "POST", f"/subjects/{per}/versions",
             s(WITH_REF, references=[{"name": "rd.Addr", "subject": addr, "version": 1}]), save="per"),
        case("register-person-bad-ref", "POST", f"/subjects/{per}x/versions",
             s(WITH_REF, references=[{"name": "rd.Addr", "subject": addr, "version": 7}])),
        case("person-version", "GET", f"/subjects/{per}/versions/1"),
        case("ids-person", "GET", "/schemas/ids/{per}"),
        case("addr-referencedby", "GET", f"/subjects/{addr}/versions/1/referencedby"),
        case("delete-referenced-version", "DELETE", f"/subjects/{addr}/versions/1"),
        case("delete-referenced-subject", "DELETE", f"/subjects/{addr}"),
        # Deletes, every error code
        case("delete-subject-missing", "DELETE", f"/subjects/{p}nosuch"),
        case("delete-version-missing", "DELETE", f"/subjects/{a}/versions/99"),
        case("delete-version-invalid", "DELETE", f"/subjects/{a}/versions/abc"),
        case("delete-version-permanent-first", "DELETE", f"/subjects/{a}/versions/1?permanent=true"),
        case("delete-version-1", "DELETE", f"/subjects/{a}/versions/1"),
        case("delete-version-1-again", "DELETE", f"/subjects/{a}/versions/1"),
        case("version-1-after-delete", "GET", f"/subjects/{a}/versions/1"),
        case("version-1-deleted-param", "GET", f"/subjects/{a}/versions/1?deleted=true"),
        case("versions-after-delete", "GET", f"/subjects/{a}/versions"),
        case("versions-deleted-param", "GET", f"/subjects/{a}/versions?deleted=true"),
        case("delete-version-1-permanent", "DELETE", f"/subjects/{a}/versions/1?permanent=true"),
        case("delete-version-latest", "DELETE", f"/subjects/{a}/versions/latest"),
        case("delete-subject-permanent-first", "DELETE", f"/subjects/{a}?permanent=true"),
        case("delete-subject", "DELETE", f"/subjects/{a}"),
        case("delete-subject-again", "DELETE", f"/subjects/{a}"),
        case("subject-after-delete", "GET", f"/subjects/{a}/versions"),
        case("subjects-deleted-param", "GET", "/subjects?deleted=true"),
        case("delete-subject-permanent", "DELETE", f"/subjects/{a}?permanent=true"),
        case("delete-subject-permanent-again", "DELETE", f"/subjects/{a}?permanent=true"),
        case("register-a-after-hard-delete", "POST", f"/subjects/{a}/versions", s(AV1)),
        case("delete-b-latest", "DELETE", f"/subjects/{b}/versions/latest"),
        case("latest-after-soft-delete-only", "GET", f"/subjects/{b}/versions/latest"),
        case("subjects-final", "GET", "/subjects"),
        # Odds and ends
        case("latest-schema-avro", "GET", f"/subjects/{pb}/versions/latest/schema"),
        case("ids-wrong-subject", "GET", "/schemas/ids/{pb1}?subject=" + js),
        case("lookup-deleted", "POST", f"/subjects/{b}?deleted=true", s(AV1)),
        case("lookup-soft-deleted", "POST", f"/subjects/{b}", s(AV1)),
        case("body-array", "POST", f"/subjects/{js}/versions", []),
        case("body-string", "POST", f"/subjects/{js}/versions", "\"x\""),
        case("body-empty", "POST", f"/subjects/{js}/versions", ""),
        case("config-body-missing", "PUT", f"/config/{js}", {}),
        case("config-lowercase", "PUT", f"/config/{js}", {"compatibility": "forward"}),
        case("config-get-lowercase", "GET", f"/config/{js}"),
        case("config-full-transitive", "PUT", f"/config/{pb}", {"compatibility": "FULL_TRANSITIVE"}),
        case("register-pb-full-transitive", "POST", f"/subjects/{pb}/versions", s(PB_BAD, schemaType="PROTOBUF")),
        case("config-missing-subject-default", "GET", f"/config/{p}nosuch?defaultToGlobal=true"),
        case("config-missing-subject", "GET", f"/config/{p}nosuch"),
        case("versions-of-id-deleted", "GET", "/schemas/ids/{a1}/versions?deleted=true"),
        case("subjects-prefix", "GET", f"/subjects?subjectPrefix={p}p"),
        case("register-with-version", "POST", f"/subjects/{js}/versions", s(JS1, schemaType="JSON", version=5)),
        case("delete-version-minus-1", "DELETE", f"/subjects/{js}/versions/-1"),
        case("register-json-after-delete", "POST", f"/subjects/{js}/versions", s(JS1, schemaType="JSON")),
        case("schema-types-with-accept", "GET", "/schemas/types"),
        case("accept-json", "GET", "/subjects", headers={"Accept": "application/json"}),
        case("accept-any", "GET", "/subjects", headers={"Accept": "*/*"}),
        case("accept-none", "GET", "/subjects", headers={"Accept": None}),
        case("accept-json-error", "GET", f"/subjects/{p}nosuch/versions", headers={"Accept": "application/json"}),
        case("content-type-text", "POST", f"/subjects/{p}ct/versions", s(AV1), headers={"Content-Type": "text/plain"}),
        case("content-type-json", "POST", f"/subjects/{js}/versions", s(JS1, schemaType="JSON"), headers={"Content-Type": "application/json"}),
        case("content-type-octet", "POST", f"/subjects/{js}/versions", s(JS1, schemaType="JSON"), headers={"Content-Type": "application/octet-stream"}),
        case("register-avro-reordered", "POST", f"/subjects/{p}ord/versions", s(AV1)),
        case("register-avro-reordered-again", "POST", f"/subjects/{p}ord/versions",
             s(json.dumps({"fields": [{"type": "int", "name": "a"}], "namespace": "rd", "name": "Rd", "type": "record"}))),
        case("lookup-avro-reordered", "POST", f"/subjects/{p}ord",
             s(json.dumps({"namespace": "rd", "fields": [{"type": "int", "name": "a"}], "type": "record", "name": "Rd"}))),
        case("register-pb-whitespace", "POST", f"/subjects/{p}pbw/versions", s(PB1, schemaType="PROTOBUF")),
        case("register-pb-whitespace-again", "POST", f"/subjects/{p}pbw/versions",
             s('syntax = "proto3"; package rd; message Rd { int32 a = 1; }', schemaType="PROTOBUF")),
        case("delete-latest-permanent-live", "DELETE", f"/subjects/{p}pbw/versions/latest?permanent=true"),
    ]
    return c


class Registry:
    """One side: a base URL, the ids it allocated (capture name to id), and its id ordinals."""

    def __init__(self, url):
        self.url = url.rstrip("/")
        self.saved = {}
        self.ordinal = {}

    def call(self, c):
        path = re.sub(r"\{(\w+)\}", lambda m: str(self.saved.get(m.group(1), "0")), c["path"])
        body = c["body"]
        data = None
        if body is not None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
        headers = {"Content-Type": CT, "Accept": CT}
        headers.update(c.get("headers") or {})
        req = urllib.request.Request(self.url + path, data=data, method=c["method"],
                                     headers={k: v for k, v in headers.items() if v is not None})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, ctype, raw = r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            status, ctype, raw = e.code, e.headers.get("Content-Type", ""), e.read()
        text = raw.decode("utf-8", "replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text
        if c["save"] and isinstance(parsed, dict) and "id" in parsed:
            self.saved[c["save"]] = parsed["id"]
        return {"status": status, "content_type": ctype.split(";")[0].strip(), "body": parsed}

    def id_name(self, value):
        """Ids by order of first appearance, so two registries' allocations compare."""
        if not isinstance(value, int):
            return value
        return "id#%d" % self.ordinal.setdefault(value, len(self.ordinal) + 1)


def norm_schema_text(text):
    """Schema text compared by meaning: JSON parsed (key order), Protobuf by tokens."""
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return " ".join(re.findall(r"[A-Za-z0-9_.]+|[^\sA-Za-z0-9_.]", str(text)))


def normalise(reg, c, ans, prefix):
    """An answer with what may legitimately differ folded away."""
    body = json.loads(json.dumps(ans["body"]).replace(prefix, "P-"))
    # Karapace's store outlives a run: drop earlier runs' subjects before ids get ordinals.
    if isinstance(body, list) and body and all(isinstance(x, dict) and "subject" in x for x in body):
        body = [x for x in body if str(x["subject"]).startswith("P-")]
    if c["name"].endswith("referencedby") and isinstance(body, list):
        body = sorted(reg.id_name(x) for x in body)

    def walk(v, key=None):
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        if isinstance(v, list):
            out = [walk(x, key) for x in v]
            return sorted(out, key=json.dumps) if key in (None, "subjects") and all(isinstance(x, str) for x in out) else out
        if key == "id":
            return reg.id_name(v)
        if key == "schema":
            return norm_schema_text(v)
        return v

    body = walk(body)
    if c["name"].startswith("ids-") and c["name"].endswith("versions") and isinstance(body, list):
        body = sorted(body, key=json.dumps)
    if c["name"] == "ids-schema-raw" or c["name"].startswith("version-schema"):
        body = norm_schema_text(json.dumps(body)) if not isinstance(body, str) else norm_schema_text(body)
    if isinstance(body, dict):
        code = body.get("error_code")
        if code == 42201 and isinstance(body.get("message"), str):
            body["message"] = "Invalid …"
        if code == 409:
            body["message"] = "incompatible …"
        if "messages" in body:
            body["messages"] = "present" if body["messages"] else "empty"
    if c["path"] == "/subjects" or c["path"].startswith("/subjects?"):
        body = sorted(x for x in body if isinstance(x, str) and x.startswith("P-") and x not in ("P-ro", "P-ct")) if isinstance(body, list) else body
    if c["path"].startswith("/schemas?") and isinstance(body, list):
        body = sorted(body, key=lambda x: json.dumps(x, sort_keys=True))
    return {"status": ans["status"], "content_type": ans["content_type"], "body": body}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url + "/subjects", timeout=2).read()
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"registry at {url} did not come up")


def start_ours():
    """kafka-dash's embedded broker with its registry on a free port."""
    binary = os.environ.get("KAFKA_DASH_BIN", "target/release/kafka-dash")
    port = free_port()
    proc = subprocess.Popen([binary, "broker", "--listen", "127.0.0.1:0",
                             "--schema-registry", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_up(url)
    return url, proc


def start_theirs():
    """Karapace through the oracle's script (also starts its Kafka)."""
    script = os.environ.get("KARAPACE_REGISTRY_SH", "/work/oracle/registry.sh")
    out = subprocess.run([script, "start"], check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1], script


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours")
    ap.add_argument("--theirs")
    ap.add_argument("--json", help="write every case's normalised answers here")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    proc = script = None
    ours_url, theirs_url = args.ours, args.theirs
    try:
        if not ours_url:
            ours_url, proc = start_ours()
        if not theirs_url:
            theirs_url, script = start_theirs()
        return run(ours_url, theirs_url, args)
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
        if script:
            subprocess.run([script, "stop"], check=False)


def run(ours_url, theirs_url, args):
    prefix = "rd-" + uuid.uuid4().hex[:8] + "-"
    ours, theirs = Registry(ours_url), Registry(theirs_url)
    differ, known, deliberate, records = [], [], [], []
    for c in cases(prefix):
        o = normalise(ours, c, ours.call(c), prefix)
        t = normalise(theirs, c, theirs.call(c), prefix)
        same = o == t
        records.append({"case": c["name"], "method": c["method"], "path": c["path"].replace(prefix, "P-"),
                        "same": same, "ours": o, "theirs": t})
        if same:
            continue
        if c["name"] in DELIBERATE:
            deliberate.append(records[-1])
        elif c["name"] in KNOWN:
            known.append(records[-1])
        else:
            differ.append(records[-1])
    total = len(records)
    print(f"{total} cases, {total - len(differ) - len(known) - len(deliberate)} same, "
          f"{len(differ)} different, {len(known)} known open, {len(deliberate)} deliberate")
    for r in differ + known + (deliberate if args.verbose else []):
        tag = "DELIBERATE" if r["case"] in DELIBERATE else "KNOWN" if r["case"] in KNOWN else "DIFF"
        print(f"\n{tag} {r['case']}: {r['method']} {r['path']}")
        print("  ours:   " + json.dumps(r["ours"])[:600])
        print("  theirs: " + json.dumps(r["theirs"])[:600])
        if tag == "DELIBERATE":
            print("  why:    %s [%s]" % DELIBERATE[r["case"]])
        if tag == "KNOWN":
            print("  open:   " + KNOWN[r["case"]])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
