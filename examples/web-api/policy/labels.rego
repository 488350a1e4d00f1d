# web-api's own policy, run by conftest on the rendered manifests alongside slipway's built-in policies.
package main

import rego.v1

# Every Deployment must carry the app.kubernetes.io/name label, on itself and on its pods.
deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels["app.kubernetes.io/name"]
	msg := sprintf("Deployment %q must set the app.kubernetes.io/name label", [input.metadata.name])
}

deny contains msg if {
	input.kind == "Deployment"
	not input.spec.template.metadata.labels["app.kubernetes.io/name"]
	msg := sprintf("Deployment %q must set the app.kubernetes.io/name label on its pod template", [input.metadata.name])
}
