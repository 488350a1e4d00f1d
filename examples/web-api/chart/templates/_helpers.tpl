{{/*
Chart name, truncated to the 63 characters Kubernetes allows in names.
*/}}
{{- define "web-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: the release name, plus the chart name unless the release already has it.
*/}}
{{- define "web-api.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "web-api.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: stable across upgrades.
*/}}
{{- define "web-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "web-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "web-api.labels" -}}
helm.sh/chart: {{ include "web-api.chart" . }}
{{ include "web-api.selectorLabels" . }}
app.kubernetes.io/version: {{ include "web-api.version" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The version the app reports: the image tag when set, else the chart's appVersion.
Truncated to the 63 characters a label value allows.
*/}}
{{- define "web-api.version" -}}
{{- default .Chart.AppVersion (toString (.Values.image.tag | default "")) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Image reference: repository@digest when a digest is set, else repository:tag.
Rendering fails when neither is set, so an unpinned image never reaches a cluster.
*/}}
{{- define "web-api.image" -}}
{{- $repository := required "image.repository is required" .Values.image.repository }}
{{- $digest := toString (.Values.image.digest | default "") }}
{{- if $digest }}
{{- printf "%s@%s" $repository $digest }}
{{- else }}
{{- $tag := required "image.tag or image.digest is required: set one of them (e.g. --set image.digest=sha256:...)" (toString (.Values.image.tag | default "")) }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}

{{/*
Resources: requests and limits for cpu and memory, each one required.
*/}}
{{- define "web-api.resources" -}}
{{- $r := .Values.resources | default dict -}}
requests:
  cpu: {{ required "resources.requests.cpu is required" (dig "requests" "cpu" "" $r) | quote }}
  memory: {{ required "resources.requests.memory is required" (dig "requests" "memory" "" $r) | quote }}
limits:
  cpu: {{ required "resources.limits.cpu is required" (dig "limits" "cpu" "" $r) | quote }}
  memory: {{ required "resources.limits.memory is required" (dig "limits" "memory" "" $r) | quote }}
{{- end }}
