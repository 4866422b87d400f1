{{- define "openfinops.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "openfinops.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "openfinops.secretName" -}}
{{- default (printf "%s-secrets" (include "openfinops.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "openfinops.lakeClaim" -}}
{{- default (printf "%s-lake" (include "openfinops.fullname" .)) .Values.lake.existingClaim -}}
{{- end -}}

{{/* Environment shared by every container that runs the finops CLI. */}}
{{- define "openfinops.env" -}}
- name: NODE_ENV
  value: production
- name: FINOPS_DATA_DIR
  value: /data
- name: FINOPS_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ default (include "openfinops.secretName" .) .Values.database.existingSecret }}
      key: {{ .Values.database.existingSecretKey }}
- name: FINOPS_JWT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ include "openfinops.secretName" . }}, key: FINOPS_JWT_SECRET }
- name: FINOPS_SECRET_KEY
  valueFrom:
    secretKeyRef: { name: {{ include "openfinops.secretName" . }}, key: FINOPS_SECRET_KEY }
{{- end -}}
