{{- define "embed-merge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "embed-merge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "embed-merge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "embed-merge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* selector labels of one component: include "embed-merge.selectorLabels" (list $ "api") */}}
{{- define "embed-merge.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "embed-merge.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "embed-merge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "embed-merge.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "embed-merge.image" -}}
{{- $img := index . 0 -}}
{{- $root := index . 1 -}}
{{- printf "%s:%s" $img.repository (default $root.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{/* the JDBC URL the pods use */}}
{{- define "embed-merge.jdbcUrl" -}}
{{- if .Values.postgresql.enabled -}}
{{- printf "jdbc:postgresql://%s-postgresql:5432/%s" (include "embed-merge.fullname" .) .Values.postgresql.database -}}
{{- else -}}
{{- required "database.url is required (or set postgresql.enabled=true to try the chart out)" .Values.database.url -}}
{{- end -}}
{{- end -}}

{{/* the Secret with the database user name and password, and its keys */}}
{{- define "embed-merge.dbSecretName" -}}
{{- if .Values.postgresql.enabled -}}
{{- default (printf "%s-postgresql" (include "embed-merge.fullname" .)) .Values.postgresql.existingSecret -}}
{{- else -}}
{{- required "database.existingSecret is required: a Secret with the database user name and password" .Values.database.existingSecret -}}
{{- end -}}
{{- end -}}
{{- define "embed-merge.dbUsernameKey" -}}
{{- if .Values.postgresql.enabled }}username{{ else }}{{ .Values.database.usernameKey }}{{ end -}}
{{- end -}}
{{- define "embed-merge.dbPasswordKey" -}}
{{- if .Values.postgresql.enabled }}password{{ else }}{{ .Values.database.passwordKey }}{{ end -}}
{{- end -}}

{{/* host, port and database name for KEDA's postgresql scaler, parsed from the JDBC URL unless given */}}
{{- define "embed-merge.kedaPg" -}}
{{- $url := include "embed-merge.jdbcUrl" . | trimPrefix "jdbc:postgresql://" -}}
{{- $hostPort := regexReplaceAll "/.*$" $url "" -}}
{{- $db := regexReplaceAll "\\?.*$" (regexReplaceAll "^[^/]*/?" $url "") "" -}}
{{- $host := regexReplaceAll ":[0-9]+$" $hostPort "" -}}
{{- $port := "5432" -}}
{{- if regexMatch ":[0-9]+$" $hostPort -}}{{- $port = regexReplaceAll "^.*:" $hostPort "" -}}{{- end -}}
{{- $k := .Values.keda.postgresql -}}
{{- $sslmode := $k.sslmode -}}
{{- $user := $k.userName -}}
{{- if .Values.postgresql.enabled -}}
{{- $sslmode = "disable" -}}
{{- $user = .Values.postgresql.username -}}
{{- /* KEDA's operator runs in another namespace: the full service name */ -}}
{{- $host = printf "%s-postgresql.%s.svc" (include "embed-merge.fullname" .) .Release.Namespace -}}
{{- end -}}
host: {{ default $host $k.host | quote }}
port: {{ default $port (toString $k.port) | quote }}
dbName: {{ default $db $k.dbName | quote }}
sslmode: {{ $sslmode | quote }}
userName: {{ required "keda.postgresql.userName is required for KEDA scaling against an external PostgreSQL" $user | quote }}
{{- end -}}

{{/* environment shared by every embed-merge container */}}
{{- define "embed-merge.commonEnv" -}}
- name: SPRING_DATASOURCE_URL
  value: {{ include "embed-merge.jdbcUrl" . | quote }}
- name: SPRING_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "embed-merge.dbSecretName" . }}
      key: {{ include "embed-merge.dbUsernameKey" . }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "embed-merge.dbSecretName" . }}
      key: {{ include "embed-merge.dbPasswordKey" . }}
- name: MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED
  value: "true"
- name: SERVER_ADDRESS
  value: "0.0.0.0"
{{- with .Values.security }}
{{- if .mode }}
- name: MERGE_SECURITY_MODE
  value: {{ .mode | quote }}
{{- end }}
{{- if .jwt.issuerUri }}
- name: MERGE_SECURITY_JWT_ISSUER_URI
  value: {{ .jwt.issuerUri | quote }}
{{- end }}
{{- if .jwt.jwkSetUri }}
- name: MERGE_SECURITY_JWT_JWK_SET_URI
  value: {{ .jwt.jwkSetUri | quote }}
{{- end }}
{{- if .jwt.audiences }}
- name: MERGE_SECURITY_JWT_AUDIENCES
  value: {{ join "," .jwt.audiences | quote }}
{{- end }}
- name: MERGE_SECURITY_JWT_OWNER_CLAIM
  value: {{ .jwt.ownerClaim | quote }}
- name: MERGE_SECURITY_JWT_TENANT_CLAIM
  value: {{ .jwt.tenantClaim | quote }}
{{- end }}
{{- with .Values.storage }}
{{- if .defaultOutput }}
- name: MERGE_STORAGE_DEFAULT_OUTPUT
  value: {{ .defaultOutput | quote }}
{{- end }}
- name: MERGE_STORAGE_S3_ENABLED
  value: {{ .s3.enabled | quote }}
{{- if .s3.enabled }}
{{- if .s3.endpoint }}
- name: MERGE_STORAGE_S3_ENDPOINT
  value: {{ .s3.endpoint | quote }}
{{- end }}
- name: MERGE_STORAGE_S3_REGION
  value: {{ .s3.region | quote }}
- name: MERGE_STORAGE_S3_PATH_STYLE
  value: {{ .s3.pathStyle | quote }}
{{- range $i, $root := .s3.roots }}
- name: MERGE_STORAGE_S3_ROOTS_{{ $i }}
  value: {{ $root | quote }}
{{- end }}
{{- if .s3.existingSecret }}
- name: MERGE_STORAGE_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .s3.existingSecret }}
      key: {{ .s3.accessKeyKey }}
- name: MERGE_STORAGE_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .s3.existingSecret }}
      key: {{ .s3.secretKeyKey }}
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.app.javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.app.javaToolOptions | quote }}
{{- end }}
{{- end -}}

{{/* writable paths of the read-only image (see Dockerfile) */}}
{{- define "embed-merge.volumeMounts" -}}
- name: data
  mountPath: /app/data
- name: tmp
  mountPath: /tmp
- name: djl-cache
  mountPath: /var/cache/djl
{{- end -}}
{{- define "embed-merge.volumes" -}}
{{- $root := index . 0 -}}
- name: data
  emptyDir:
    sizeLimit: {{ index . 1 }}
- name: tmp
  emptyDir:
    sizeLimit: {{ $root.Values.app.volumes.tmpSizeLimit }}
- name: djl-cache
  emptyDir:
    sizeLimit: {{ $root.Values.app.volumes.djlCacheSizeLimit }}
{{- end -}}

{{/* Spring Boot's probe groups */}}
{{- define "embed-merge.probes" -}}
{{- $p := .Values.app.probes -}}
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
{{- end -}}

{{/* API keys from an existing Secret, as environment variables */}}
{{- define "embed-merge.securityEnvFrom" -}}
{{- if .Values.security.apiKeysSecret }}
envFrom:
  - secretRef:
      name: {{ .Values.security.apiKeysSecret }}
{{- end }}
{{- end -}}
