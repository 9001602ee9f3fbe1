# The secured listeners of scripts/real-kafka.sh (sourced by it; uses its HOME_DIR, ROOT, die):
# the throwaway CA and certificates, the broker's listener settings per mode, the OIDC
# token endpoint, and the client settings (librdkafka -X flags, Java properties) per mode.
# Every secret here is a fixed test secret from issue 22's contracts; none protects anything.
# shellcheck shell=bash

SEC_MODES="plaintext sasl_ssl sasl_plaintext ssl oauth"
# Listener name, its security protocol, the mode it serves (- when only for failure cases).
SEC_LISTENERS="SASL_SSL:SASL_SSL:sasl_ssl SASL_PLAINTEXT:SASL_PLAINTEXT:sasl_plaintext SSL:SSL:ssl
  OAUTH:SASL_SSL:oauth WRONGHOST:SSL:wronghost EXPIRED:SSL:expired"
SEC_USERS="admin alice bob"
KEYSTORE_PASSWORD=kafka-dash-keystore-secret
TRUSTSTORE_PASSWORD=kafka-dash-truststore-secret
CLIENT_KEY_PASSWORD=kafka-dash-key-secret

sec_dir() { echo "$HOME_DIR/security"; }
sec_enabled() { [ -f "$HOME_DIR/security-mode" ]; }

# Runs openssl quietly; on failure shows what it said.
ossl() {
  local out
  out=$(openssl "$@" 2>&1) || { echo "$out" >&2; die "openssl $1 failed"; }
}

# The minimal `openssl ca` setup: it is the one openssl 3.0 command that can sign a
# certificate with dates in the past (the expired cases).
write_ca_config() {
  local d=$1
  mkdir -p "$d/ca-db"
  : >"$d/ca-db/index.txt"
  echo 1000 >"$d/ca-db/serial"
  cat >"$d/ca-db/$2.cnf" <<EOF
[ca]
default_ca = this
[this]
database = $d/ca-db/index.txt
new_certs_dir = $d/ca-db
serial = $d/ca-db/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
EOF
}

# new_ca NAME CN: a self-signed CA NAME.pem with its key NAME.key.
new_ca() {
  local d; d=$(sec_dir)
  ossl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout "$d/$1.key" -out "$d/$1.pem" \
    -subj "/CN=$2" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# new_cert NAME CN CA EXTENSIONS [past]: a key NAME.key (PKCS#8, unencrypted) and NAME.pem
# signed by CA; `past` makes it valid only in January 2020.
new_cert() {
  local d; d=$(sec_dir)
  local name=$1 cn=$2 ca=$3 ext=$4 when=(-days 30)
  [ "${5:-}" = past ] && when=(-startdate 20200101000000Z -enddate 20200201000000Z)
  ossl req -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/ca-db/$name.csr" -subj "/CN=$cn"
  printf '[ext]\n%s\n' "$ext" >"$d/ca-db/$name.ext"
  ossl ca -batch -notext -config "$d/ca-db/ca.cnf" -cert "$d/$ca.pem" -keyfile "$d/$ca.key" \
    -in "$d/ca-db/$name.csr" -out "$d/$name.pem" -extfile "$d/ca-db/$name.ext" -extensions ext \
    "${when[@]}"
}

# Everything the listeners and the clients need, in $(sec_dir):
#   ca.pem/.key          the CA that signs the broker's and the client's certificates
#   other-ca.pem         a CA the broker does not use (the "untrusted certificate" case)
#   broker.pem/.key      the broker, for 127.0.0.1 and localhost; broker-keystore.pem both
#   wronghost.pem        a broker certificate for wrong.invalid only (host-name mismatch)
#   expired.pem          a broker certificate for 127.0.0.1 that expired in 2020
#   client.pem/.key      CN=kafka-dash-client (principal User:kafka-dash-client)
#   client-encrypted.key the same key, encrypted with $CLIENT_KEY_PASSWORD
#   client.p12           the client's key and certificate, password $KEYSTORE_PASSWORD
#   client-expired.pem   the client's key with a certificate that expired in 2020
#   client-other-ca.pem  the client's key with a certificate from other-ca
#   truststore.p12       ca.pem as a Java trust store, password $TRUSTSTORE_PASSWORD
make_certs() {
  local d; d=$(sec_dir)
  mkdir -p "$d"
  write_ca_config "$d" ca
  new_ca ca "kafka-dash test CA"
  new_ca other-ca "kafka-dash other CA"
  local server="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth"
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  new_cert broker localhost ca "$server
subjectAltName=IP:127.0.0.1,DNS:localhost"
  new_cert wronghost wrong.invalid ca "$server
subjectAltName=DNS:wrong.invalid"
  new_cert expired localhost ca "$server
subjectAltName=IP:127.0.0.1,DNS:localhost" past
  new_cert client kafka-dash-client ca "$client"
  # The client's own key under two more certificates: expired, and from another CA.
  for variant in expired:ca:past other-ca:other-ca:; do
    IFS=: read -r tag ca when <<<"$variant"
    ossl req -new -key "$d/client.key" -out "$d/ca-db/client-$tag.csr" -subj "/CN=kafka-dash-client"
    local when_args=(-days 30)
    [ "$when" = past ] && when_args=(-startdate 20200101000000Z -enddate 20200201000000Z)
    printf '[ext]\n%s\n' "$client" >"$d/ca-db/client-$tag.ext"
    ossl ca -batch -notext -config "$d/ca-db/ca.cnf" -cert "$d/$ca.pem" -keyfile "$d/$ca.key" \
      -in "$d/ca-db/client-$tag.csr" -out "$d/client-$tag.pem" \
      -extfile "$d/ca-db/client-$tag.ext" -extensions ext "${when_args[@]}"
  done
  for b in broker wronghost expired; do
    cat "$d/$b.key" "$d/$b.pem" "$d/ca.pem" >"$d/$b-keystore.pem"
  done
  ossl pkcs8 -topk8 -v2 aes-256-cbc -in "$d/client.key" -out "$d/client-encrypted.key" \
    -passout "pass:$CLIENT_KEY_PASSWORD"
  ossl pkcs12 -export -in "$d/client.pem" -inkey "$d/client.key" -certfile "$d/ca.pem" \
    -name kafka-dash-client -out "$d/client.p12" -passout "pass:$KEYSTORE_PASSWORD"
  keytool -importcert -noprompt -storetype PKCS12 -keystore "$d/truststore.p12" \
    -storepass "$TRUSTSTORE_PASSWORD" -alias kafka-dash-ca -file "$d/ca.pem" >/dev/null 2>&1 ||
    die "keytool could not write the trust store"
}

# The OIDC token endpoint, on a free loopback port; its base URL in $HOME_DIR/oidc-url.
start_oidc() {
  python3 -c 'import cryptography' 2>/dev/null ||
    die "python3's cryptography is needed for the OIDC endpoint (scripts/install-test-deps.sh)"
  rm -f "$HOME_DIR/oidc.port"
  (exec python3 "$ROOT/tests/support/oidc_server.py" --port-file "$HOME_DIR/oidc.port" \
    >"$HOME_DIR/oidc.log" 2>&1) &
  echo $! >"$HOME_DIR/oidc.pid"
  local deadline=$((SECONDS + 20))
  until [ -s "$HOME_DIR/oidc.port" ]; do
    kill -0 "$(cat "$HOME_DIR/oidc.pid")" 2>/dev/null || { cat "$HOME_DIR/oidc.log" >&2; die "the OIDC endpoint exited"; }
    [ $SECONDS -lt $deadline ] || die "the OIDC endpoint did not start within 20 s"
    sleep 0.1
  done
  echo "http://127.0.0.1:$(cat "$HOME_DIR/oidc.port")" >"$HOME_DIR/oidc-url"
}

stop_oidc() {
  local f="$HOME_DIR/oidc.pid" p
  [ -f "$f" ] || return 0
  p=$(cat "$f")
  # Only the process we started: its command line names our port file.
  if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "$HOME_DIR/oidc.port"; then
    kill "$p" 2>/dev/null || true
  fi
}

# JVM options every Java process needs on a secured node: Kafka 4 refuses OAuth URLs
# that this property does not list.
sec_jvm_opts() {
  [ -f "$HOME_DIR/oidc-url" ] || return 0
  local u; u=$(cat "$HOME_DIR/oidc-url")
  echo "-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=$u/token,$u/jwks"
}

# Picks a free port for every secured listener, into $HOME_DIR/listeners ("NAME PORT").
sec_pick_ports() {
  : >"$HOME_DIR/listeners"
  local l
  for l in $SEC_LISTENERS; do echo "${l%%:*} $(free_port)" >>"$HOME_DIR/listeners"; done
}

# The broker settings of the secured listeners, appended to node 1's properties.
sec_node_config() {
  local d u plain_users="" listeners="" map="" l name proto port
  d=$(sec_dir) u=$(cat "$HOME_DIR/oidc-url")
  for l in $SEC_LISTENERS; do
    IFS=: read -r name proto _ <<<"$l"
    port=$(awk -v n="$name" '$1 == n { print $2 }' "$HOME_DIR/listeners")
    listeners+=",$name://127.0.0.1:$port"
    map+=",$name:$proto"
  done
  for user in $SEC_USERS; do plain_users+=" user_$user=\"$user-secret\""; done
  cat <<EOF
listeners=PLAINTEXT://127.0.0.1:$1,CONTROLLER://127.0.0.1:$2$listeners
advertised.listeners=PLAINTEXT://127.0.0.1:$1$listeners
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT$map
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=true
ssl.keystore.type=PEM
ssl.keystore.location=$d/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$d/ca.pem
ssl.principal.mapping.rules=RULE:^CN=([^,]+)\$/\$1/,DEFAULT
listener.name.ssl.ssl.client.auth=required
listener.name.wronghost.ssl.keystore.location=$d/wronghost-keystore.pem
listener.name.expired.ssl.keystore.location=$d/expired-keystore.pem
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required$plain_users;
listener.name.oauth.sasl.enabled.mechanisms=OAUTHBEARER
listener.name.oauth.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;
listener.name.oauth.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler
sasl.oauthbearer.jwks.endpoint.url=$u/jwks
sasl.oauthbearer.expected.audience=kafka
sasl.oauthbearer.expected.issuer=$u
EOF
}

# StorageTool options creating every user's SCRAM credentials at format time.
sec_scram_args() {
  local user mech
  for user in $SEC_USERS; do
    for mech in SCRAM-SHA-256 SCRAM-SHA-512; do
      printf -- '--add-scram\n%s=[name=%s,password=%s-secret]\n' "$mech" "$user" "$user"
    done
  done
}

sec_bootstrap() {
  local mode=${1:-plaintext} name=""
  [ "$mode" = plaintext ] && { cut -d, -f1 "$HOME_DIR/bootstrap"; return; }
  sec_enabled || die "no secured node is running (start --security all)"
  local l
  for l in $SEC_LISTENERS; do
    [ "${l##*:}" = "$mode" ] && name=${l%%:*}
  done
  [ -n "$name" ] || die "unknown mode $mode (one of: $SEC_MODES wronghost expired)"
  echo "127.0.0.1:$(awk -v n="$name" '$1 == n { print $2 }' "$HOME_DIR/listeners")"
}

# librdkafka's settings for MODE, one `-X key=value` a line.
sec_client_args() {
  local d u; d=$(sec_dir)
  case $1 in
    plaintext) echo "-X security.protocol=PLAINTEXT" ;;
    sasl_ssl) printf -- '-X %s\n' security.protocol=SASL_SSL sasl.mechanisms=SCRAM-SHA-512 \
      sasl.username=alice sasl.password=alice-secret "ssl.ca.location=$d/ca.pem" ;;
    sasl_plaintext) printf -- '-X %s\n' security.protocol=SASL_PLAINTEXT sasl.mechanisms=PLAIN \
      sasl.username=alice sasl.password=alice-secret ;;
    ssl | wronghost | expired) printf -- '-X %s\n' security.protocol=SSL "ssl.ca.location=$d/ca.pem" \
      "ssl.certificate.location=$d/client.pem" "ssl.key.location=$d/client.key" ;;
    oauth)
      u=$(cat "$HOME_DIR/oidc-url")
      printf -- '-X %s\n' security.protocol=SASL_SSL sasl.mechanisms=OAUTHBEARER \
        sasl.oauthbearer.method=oidc sasl.oauthbearer.client.id=kafka-dash \
        sasl.oauthbearer.client.secret=kafka-dash-secret "sasl.oauthbearer.token.endpoint.url=$u/token" \
        sasl.oauthbearer.scope=kafka "ssl.ca.location=$d/ca.pem" ;;
    *) die "unknown mode ${1:-} (one of: $SEC_MODES)" ;;
  esac
}

# The Java client's properties for MODE (PKCS12 stores, as Java users mostly have them).
sec_java_properties() {
  local d; d=$(sec_dir)
  local trust="ssl.truststore.type=PKCS12
ssl.truststore.location=$d/truststore.p12
ssl.truststore.password=$TRUSTSTORE_PASSWORD"
  case $1 in
    plaintext) echo "security.protocol=PLAINTEXT" ;;
    sasl_ssl) printf '%s\n' security.protocol=SASL_SSL sasl.mechanism=SCRAM-SHA-512 \
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="alice-secret";' "$trust" ;;
    sasl_plaintext) printf '%s\n' security.protocol=SASL_PLAINTEXT sasl.mechanism=PLAIN \
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";' ;;
    ssl) printf '%s\n' security.protocol=SSL "$trust" ssl.keystore.type=PKCS12 \
      "ssl.keystore.location=$d/client.p12" "ssl.keystore.password=$KEYSTORE_PASSWORD" ;;
    oauth) printf '%s\n' security.protocol=SASL_SSL sasl.mechanism=OAUTHBEARER \
      sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler \
      "sasl.oauthbearer.token.endpoint.url=$(cat "$HOME_DIR/oidc-url")/token" \
      'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="kafka-dash" clientSecret="kafka-dash-secret" scope="kafka";' "$trust" ;;
    *) die "unknown mode ${1:-} (one of: $SEC_MODES)" ;;
  esac
}

write_client_files() {
  local m
  for m in $SEC_MODES; do sec_java_properties "$m" >"$(sec_dir)/client-$m.properties"; done
}

sec_client_properties() {
  sec_enabled || die "no secured node is running (start --security all)"
  local f; f="$(sec_dir)/client-$1.properties"
  [ -f "$f" ] || die "unknown mode $1 (one of: $SEC_MODES)"
  echo "$f"
}

# What `start --security MODE` prints after the bootstrap line.
sec_summary() {
  local mode=$1 m
  if [ "$mode" = all ]; then
    for m in $SEC_MODES; do echo "# $m $(sec_bootstrap "$m") $(sec_client_properties "$m")"; done
  else
    sec_client_args "$mode"
    echo "# Java client properties: $(sec_client_properties "$mode")"
  fi
}
