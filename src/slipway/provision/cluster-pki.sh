# shellcheck shell=bash
# The local cluster's certificates, tokens and kubeconfigs, made with openssl. Sourced by
# cluster.sh. Everything lives in $CLUSTER_PKI (0700); keys, tokens and kubeconfigs are 0600
# and never printed.
#   ca.crt/ca.key                 the cluster's own CA (10 years)
#   apiserver.crt/apiserver.key   the API server's serving certificate, signed by the CA, valid
#                                 for 127.0.0.1, localhost, the in-cluster names and the alias
#                                 engine containers reach it under ($CLUSTER_ALIAS)
#   sa.key/sa.pub                 the service-account token signing key pair
#   tokens.csv                    --token-auth-file: one random bearer token per identity
#   <identity>.kubeconfig         one per component; the admin's and the deploy identity's are
#                                 $CLUSTER_HOME/kubeconfig and $CLUSTER_HOME/kubeconfig-deploy

CLUSTER_PKI="$CLUSTER_HOME/pki"
# The hostname engine containers bind the API server's host tunnel under (slipway.kube uses it).
CLUSTER_ALIAS="${SLIPWAY_CLUSTER_ALIAS:-slipway-kube}"
KUBECONFIG_ADMIN="$CLUSTER_HOME/kubeconfig"
KUBECONFIG_DEPLOY="$CLUSTER_HOME/kubeconfig-deploy"

# identity -> "user,uid,groups" for tokens.csv. The components run as members of
# system:masters (a single-user test cluster); the deploy identity is in no built-in group and
# gets only what the slipway:deploy ClusterRole grants, bound per namespace.
declare -A IDENTITIES=(
  [admin]="slipway-admin,slipway-admin,system:masters"
  [deploy]="slipway-deploy,slipway-deploy,slipway:deployers"
  [controller-manager]="slipway:kube-controller-manager,slipway-kcm,system:masters"
  [scheduler]="slipway:kube-scheduler,slipway-scheduler,system:masters"
  [kwok]="slipway:kwok,slipway-kwok,system:masters"
  [flux]="slipway:flux,slipway-flux,system:masters"
)

serving_sans() {
  echo "IP:127.0.0.1,DNS:localhost,DNS:$CLUSTER_ALIAS,IP:$CLUSTER_SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
}

make_ca() {
  [ -s "$CLUSTER_PKI/ca.crt" ] && [ -s "$CLUSTER_PKI/ca.key" ] && return 0
  openssl genrsa -out "$CLUSTER_PKI/ca.key" 2048
  openssl req -x509 -new -key "$CLUSTER_PKI/ca.key" -days 3650 -config /dev/null \
    -subj "/CN=slipway-cluster-ca" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$CLUSTER_PKI/ca.crt"
  rm -f "$CLUSTER_PKI/apiserver.crt" # anything signed by an older CA is void
}

make_serving_cert() { # re-issued when the names it must be valid for change
  local sans
  sans=$(serving_sans)
  if [ -s "$CLUSTER_PKI/apiserver.crt" ] && [ "$(cat "$CLUSTER_PKI/apiserver.sans" 2>/dev/null)" = "$sans" ]; then
    return 0
  fi
  openssl genrsa -out "$CLUSTER_PKI/apiserver.key" 2048
  openssl req -new -key "$CLUSTER_PKI/apiserver.key" -subj "/CN=kube-apiserver" -config /dev/null \
    -out "$CLUSTER_PKI/apiserver.csr"
  printf '%s\n' "subjectAltName=$sans" "extendedKeyUsage=serverAuth" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "basicConstraints=critical,CA:FALSE" \
    >"$CLUSTER_PKI/apiserver.ext"
  openssl x509 -req -in "$CLUSTER_PKI/apiserver.csr" -CA "$CLUSTER_PKI/ca.crt" \
    -CAkey "$CLUSTER_PKI/ca.key" -CAcreateserial -days 825 -extfile "$CLUSTER_PKI/apiserver.ext" \
    -out "$CLUSTER_PKI/apiserver.crt"
  echo "$sans" >"$CLUSTER_PKI/apiserver.sans"
  openssl x509 -in "$CLUSTER_PKI/apiserver.crt" -noout -ext subjectAltName
}

make_sa_keys() {
  [ -s "$CLUSTER_PKI/sa.key" ] && [ -s "$CLUSTER_PKI/sa.pub" ] && return 0
  openssl genrsa -out "$CLUSTER_PKI/sa.key" 2048
  openssl rsa -in "$CLUSTER_PKI/sa.key" -pubout -out "$CLUSTER_PKI/sa.pub"
}

token_of() { awk -F, -v u="${IDENTITIES[$1]%%,*}" '$2 == u {print $1}' "$CLUSTER_PKI/tokens.csv"; }

make_tokens() { # one random token per identity; existing tokens are kept
  local id line
  touch "$CLUSTER_PKI/tokens.csv"
  for id in "${!IDENTITIES[@]}"; do
    [ -n "$(token_of "$id")" ] && continue
    line="$(python3 -c 'import secrets; print(secrets.token_hex(32))'),${IDENTITIES[$id]%,*}"
    # groups go last, quoted, as the token file's CSV wants for a list
    printf '%s,"%s"\n' "$line" "${IDENTITIES[$id]##*,}" >>"$CLUSTER_PKI/tokens.csv"
  done
}

write_kubeconfig() { # IDENTITY PATH: server https://127.0.0.1:$API_PORT, the CA, the token
  local ca
  ca=$(base64 -w0 "$CLUSTER_PKI/ca.crt")
  cat >"$2.new" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $ca
users:
- name: ${IDENTITIES[$1]%%,*}
  user:
    token: $(token_of "$1")
contexts:
- name: slipway-$1
  context:
    cluster: slipway
    user: ${IDENTITIES[$1]%%,*}
current-context: slipway-$1
EOF
  mv "$2.new" "$2"
}

cluster_pki() {
  (
    umask 077
    mkdir -p "$CLUSTER_PKI"
    chmod 700 "$CLUSTER_PKI"
    make_ca
    make_serving_cert
    make_sa_keys
    make_tokens
    local id
    for id in controller-manager scheduler kwok flux; do
      write_kubeconfig "$id" "$CLUSTER_PKI/$id.kubeconfig"
    done
    write_kubeconfig admin "$KUBECONFIG_ADMIN"
    write_kubeconfig deploy "$KUBECONFIG_DEPLOY"
  )
}
