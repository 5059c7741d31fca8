{{- /*
Written by lain init from lain's built-in chart; `lain init --template-only`
replaces every file lain wrote. Put your own templates in other files.

Helpers shared by the templates. Most take a dict:
  root: the top-level context ($), name: the proc name, proc: its values.
Names and labels are a contract with existing clusters (lain's reference,
section 5): <release>-<proc> for objects, app.kubernetes.io/* labels.
*/ -}}

{{- /* lain.str: a value as text, the way the user wrote it. Helm reads numbers
from values files as float64 and prints 1000000 as 1e+06; toJson does not. */ -}}
{{- define "lain.str" -}}
{{- if kindIs "string" . -}}{{ . }}
{{- else if kindIs "invalid" . -}}
{{- else -}}{{ toJson . }}
{{- end -}}
{{- end -}}

{{- /* lain.strMap: a map with every value as text (labels, annotations). */ -}}
{{- define "lain.strMap" -}}
{{- $out := dict -}}
{{- range $k, $v := . -}}{{- $_ := set $out $k (include "lain.str" $v) -}}{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- /* lain.intOr: (list value default): the number, or the default when the
key is absent. `default` would also replace a deliberate 0. */ -}}
{{- define "lain.intOr" -}}
{{- $v := index . 0 -}}
{{- if kindIs "invalid" $v -}}{{ index . 1 }}{{- else -}}{{ toJson $v }}{{- end -}}
{{- end -}}

{{- define "lain.appname" -}}
{{- required "appname is missing: add appname: <your app's name> to chart/values.yaml" .Values.appname -}}
{{- end -}}

{{- /* lain.isCanary: "true" for the canary release <appname>-canary
(lain deploy --canary), which shares cronjobs, volumes and network policy
with the main release instead of creating them twice. */ -}}
{{- define "lain.isCanary" -}}
{{- if eq .Release.Name (printf "%s-canary" (include "lain.appname" .)) -}}true{{- end -}}
{{- end -}}

{{- /* lain.labels: (dict root instance): on every object and pod template. */ -}}
{{- define "lain.labels" -}}
{{- $l := dict -}}
{{- range $k, $v := .root.Values.labels -}}{{- $_ := set $l $k (include "lain.str" $v) -}}{{- end -}}
{{- $_ := set $l "app.kubernetes.io/name" (include "lain.appname" .root) -}}
{{- $_ := set $l "app.kubernetes.io/instance" .instance -}}
{{- $_ := set $l "app.kubernetes.io/managed-by" .root.Release.Service -}}
{{- $_ := set $l "helm.sh/chart" .root.Release.Name -}}
{{- toYaml $l -}}
{{- end -}}

{{- /* lain.selector: (dict root instance): the labels a selector matches
(never user labels: selectors cannot change after creation). */ -}}
{{- define "lain.selector" -}}
app.kubernetes.io/instance: {{ .instance }}
app.kubernetes.io/name: {{ include "lain.appname" .root }}
{{- end -}}

{{- define "lain.tag" -}}
{{- include "lain.str" (.proc.imageTag | default .root.Values.imageTag | default "latest") -}}
{{- end -}}

{{- /* lain.image: the proc's own image, or <registry>/<appname>:<tag>, with
internalRegistry (the cluster's mirror) first and docker.io/ dropped. */ -}}
{{- define "lain.image" -}}
{{- if .proc.image -}}
{{- .proc.image -}}
{{- else -}}
{{- $reg := .root.Values.internalRegistry | default .root.Values.registry | required "registry is missing: it comes from the cluster values (run lain template, or pass -f cluster_values/values-<CLUSTER>.yaml)" -}}
{{- printf "%s/%s:%s" (trimPrefix "docker.io/" $reg) (include "lain.appname" .root) (include "lain.tag" .) -}}
{{- end -}}
{{- end -}}

{{- /* lain.env: the injected variables, then env (global, then the proc's;
the proc wins). Sorted by name, one entry per name; a variable the app sets
itself replaces the injected one (Kubernetes let the last of two win). */ -}}
{{- define "lain.env" -}}
{{- $env := dict -}}
{{- range $k, $v := .root.Values.env -}}{{- $_ := set $env $k (include "lain.str" $v) -}}{{- end -}}
{{- range $k, $v := .proc.env -}}{{- $_ := set $env $k (include "lain.str" $v) -}}{{- end -}}
{{- if not (hasKey $env "IMAGE_TAG") }}
- name: IMAGE_TAG
  value: {{ include "lain.str" (.root.Values.imageTag | default "latest") | quote }}
{{- end }}
{{- if not (hasKey $env "K8S_NAMESPACE") }}
- name: K8S_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- end }}
{{- if not (hasKey $env "LAIN_CLUSTER") }}
- name: LAIN_CLUSTER
  value: {{ include "lain.str" .root.Values.cluster | quote }}
{{- end }}
{{- range $k, $v := $env }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}

{{- /* lain.envFrom: the <appname>-env Secret (lain env edit), then extraEnvFrom. */ -}}
{{- define "lain.envFrom" -}}
- secretRef:
    name: {{ include "lain.appname" .root }}-env
{{- with .root.Values.extraEnvFrom }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- /* lain.volumeMounts: (dict root mounts): the mounts as given; one without
a name (or named <appname>-secret, as lain's chart 1.0 wrote it) is a file or
the directory of the <appname>-secret Secret (lain secret edit), through the
volume named "secret". No subPath mounts the whole Secret as a directory. */ -}}
{{- define "lain.volumeMounts" -}}
{{- $alias := printf "%s-secret" (include "lain.appname" .root) -}}
{{- $out := list -}}
{{- range .mounts -}}
{{- $m := deepCopy . -}}
{{- if or (not $m.name) (eq $m.name $alias) -}}{{- $_ := set $m "name" "secret" -}}{{- end -}}
{{- $out = append $out $m -}}
{{- end -}}
{{- if $out -}}{{- toYaml $out -}}{{- end -}}
{{- end -}}

{{- /* lain.mounts: (dict root proc): the main container's mounts, global first. */ -}}
{{- define "lain.mounts" -}}
{{- include "lain.volumeMounts" (dict "root" .root "mounts" (concat (.root.Values.volumeMounts | default list) (.proc.volumeMounts | default list))) -}}
{{- end -}}

{{- /* lain.pvcName: (dict root name): the claim of persistentVolumeClaims.<name>,
<releaseName>-<name>; the canary release uses the main release's claim. */ -}}
{{- define "lain.pvcName" -}}
{{- printf "%s-%s" (.root.Values.releaseName | default (include "lain.appname" .root)) .name -}}
{{- end -}}

{{- /* lain.volumes: (dict root proc): volumes as given, then the "secret"
volume and one volume per persistentVolumeClaims entry (named as the entry),
each only when a container of the pod mounts it and volumes does not
declare that name already. */ -}}
{{- define "lain.volumes" -}}
{{- $vols := .root.Values.volumes | default list -}}
{{- $declared := dict -}}
{{- range $vols -}}{{- $_ := set $declared (toString .name) true -}}{{- end -}}
{{- $mounts := concat (.root.Values.volumeMounts | default list) (.proc.volumeMounts | default list) -}}
{{- range .proc.initContainers -}}{{- $mounts = concat $mounts (.volumeMounts | default list) -}}{{- end -}}
{{- $used := dict -}}
{{- range (include "lain.volumeMounts" (dict "root" .root "mounts" $mounts) | fromYamlArray) -}}{{- $_ := set $used (toString .name) true -}}{{- end -}}
{{- if and (hasKey $used "secret") (not (hasKey $declared "secret")) -}}
{{- $vols = append $vols (dict "name" "secret" "secret" (dict "secretName" (printf "%s-secret" (include "lain.appname" .root)))) -}}
{{- end -}}
{{- range $name, $_ := .root.Values.persistentVolumeClaims -}}
{{- if and (hasKey $used $name) (not (hasKey $declared $name)) -}}
{{- $vols = append $vols (dict "name" $name "persistentVolumeClaim" (dict "claimName" (include "lain.pvcName" (dict "root" $.root "name" $name)))) -}}
{{- end -}}
{{- end -}}
{{- if $vols -}}{{- toYaml $vols -}}{{- end -}}
{{- end -}}

{{- /* lain.affinity: affinity, with `nodes` turned into a node affinity for
the label <appname>-<proc>=true (lain deploy labels those nodes). */ -}}
{{- define "lain.affinity" -}}
{{- $aff := deepCopy (.proc.affinity | default dict) -}}
{{- if .proc.nodes -}}
{{- $expr := dict "key" (printf "%s-%s" (include "lain.appname" .root) .name) "operator" "In" "values" (list "true") -}}
{{- $_ := set $aff "nodeAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (dict "nodeSelectorTerms" (list (dict "matchExpressions" (list $expr))))) -}}
{{- end -}}
{{- if $aff -}}{{- toYaml $aff -}}{{- end -}}
{{- end -}}

{{- /* lain.jobResources: what a job, test or init container gets when it
declares no resources (the original lain's defaults). */ -}}
{{- define "lain.jobResources" -}}
limits:
  cpu: 2000m
  memory: 2Gi
requests:
  cpu: 500m
  memory: 1Gi
{{- end -}}

{{- /* lain.container: (dict root name proc pullPolicy jobDefaults): the proc's
one container, named after the proc, so `kubectl logs -c web` works.
workingDir is set only when given: the image's WORKDIR (build.workdir)
applies otherwise. */ -}}
{{- define "lain.container" -}}
{{- $resources := .proc.resources -}}
{{- if and (not $resources) .jobDefaults -}}{{- $resources = include "lain.jobResources" . | fromYaml -}}{{- end -}}
- name: {{ .name }}
  image: {{ include "lain.image" . }}
  imagePullPolicy: {{ .proc.imagePullPolicy | default .pullPolicy }}
  {{- with .proc.command }}
  command: {{ toJson . }}
  {{- end }}
  {{- with .proc.workingDir }}
  workingDir: {{ . }}
  {{- end }}
  env:
    {{- include "lain.env" . | trim | nindent 4 }}
  envFrom:
    {{- include "lain.envFrom" . | nindent 4 }}
  {{- with .proc.containerPort }}
  ports:
    - containerPort: {{ toJson . }}
      protocol: {{ $.proc.protocol | default "TCP" }}
  {{- end }}
  {{- with .proc.lifecycle }}
  lifecycle:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- range $probe := list "readinessProbe" "livenessProbe" "startupProbe" }}
  {{- with index $.proc $probe }}
  {{ $probe }}:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- end }}
  {{- with include "lain.mounts" . }}
  volumeMounts:
    {{- . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- /* lain.initContainers: as given, with the app's image (or imageTag),
imagePullPolicy Always, the injected and global env plus their own, the
global volumeMounts plus their own, and the job default resources, unless
they say otherwise. */ -}}
{{- define "lain.initContainers" -}}
{{- $out := list -}}
{{- range .proc.initContainers -}}
{{- $ctx := dict "root" $.root "proc" . -}}
{{- $c := omit (deepCopy .) "imageTag" "env" "volumeMounts" -}}
{{- $_ := set $c "image" (include "lain.image" $ctx) -}}
{{- $_ := set $c "imagePullPolicy" (.imagePullPolicy | default "Always") -}}
{{- $_ := set $c "env" (include "lain.env" $ctx | fromYamlArray) -}}
{{- if not (hasKey $c "envFrom") -}}{{- $_ := set $c "envFrom" (include "lain.envFrom" $ctx | fromYamlArray) -}}{{- end -}}
{{- with include "lain.mounts" $ctx -}}{{- $_ := set $c "volumeMounts" (fromYamlArray .) -}}{{- end -}}
{{- if not $c.resources -}}{{- $_ := set $c "resources" (include "lain.jobResources" . | fromYaml) -}}{{- end -}}
{{- $out = append $out $c -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- /* lain.podSpec: (dict root name proc restartPolicy pullPolicy jobDefaults). */ -}}
{{- define "lain.podSpec" -}}
serviceAccountName: {{ .proc.serviceAccountName | default .root.Values.serviceAccountName | default "default" }}
{{- if .proc.hostNetwork }}
hostNetwork: true
{{- /* so the pod still resolves the cluster's Service names */}}
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
{{- with .restartPolicy }}
restartPolicy: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ include "lain.intOr" (list .proc.terminationGracePeriodSeconds 100) }}
{{- with .proc.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with concat (.root.Values.clusterHostAliases | default list) (.root.Values.hostAliases | default list) }}
hostAliases:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with include "lain.affinity" . }}
affinity:
  {{- . | nindent 2 }}
{{- end }}
{{- if .proc.initContainers }}
initContainers:
  {{- include "lain.initContainers" . | nindent 2 }}
{{- end }}
containers:
  {{- include "lain.container" . | nindent 2 }}
{{- with include "lain.volumes" . }}
volumes:
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{- /* lain.podTemplate: (dict root name proc restartPolicy pullPolicy jobDefaults). */ -}}
{{- define "lain.podTemplate" -}}
metadata:
  labels:
    {{- include "lain.labels" (dict "root" .root "instance" (printf "%s-%s" .root.Release.Name .name)) | nindent 4 }}
  {{- with .proc.podAnnotations }}
  annotations:
    {{- include "lain.strMap" . | nindent 4 }}
  {{- end }}
spec:
  {{- include "lain.podSpec" . | trim | nindent 2 }}
{{- end -}}

{{- /* lain.metadata: (dict root instance annotations [objName]): name (objName,
else instance), labels and annotations of an object. */ -}}
{{- define "lain.metadata" -}}
name: {{ .objName | default .instance }}
labels:
  {{- include "lain.labels" . | nindent 2 }}
{{- with .annotations }}
annotations:
  {{- include "lain.strMap" . | nindent 2 }}
{{- end }}
{{- end -}}

{{- /* lain.jobSpecFields: a proc's Job settings, with the original lain's
defaults: no retry, an hour to finish, cleaned up a day later. */ -}}
{{- define "lain.jobSpecFields" -}}
backoffLimit: {{ include "lain.intOr" (list .backoffLimit 0) }}
activeDeadlineSeconds: {{ include "lain.intOr" (list .activeDeadlineSeconds 3600) }}
ttlSecondsAfterFinished: {{ include "lain.intOr" (list .ttlSecondsAfterFinished 86400) }}
{{- end -}}

{{- /* lain.serviceNumber: a proc's Service port: its nodePort, else 80
(ingress backends use it too). */ -}}
{{- define "lain.serviceNumber" -}}
{{- include "lain.intOr" (list .nodePort 80) -}}
{{- end -}}

{{- /* lain.servicePort: (dict proc withNodePort): the one port of a proc's
Service. */ -}}
{{- define "lain.servicePort" -}}
- port: {{ include "lain.serviceNumber" .proc }}
  targetPort: {{ toJson (.proc.containerPort | default .proc.nodePort) }}
  protocol: {{ .proc.protocol | default "TCP" }}
  {{- if and .proc.nodePort .withNodePort }}
  nodePort: {{ toJson .proc.nodePort }}
  {{- end }}
{{- end -}}
