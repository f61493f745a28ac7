// A Deployment manifest as users write it, for CLI tests that `create -f` or `apply -f` one.

export function deploymentYaml(name: string, containers: readonly { name: string; image: string }[]): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [${containers.map((c) => `{name: ${c.name}, image: "${c.image}"}`).join(', ')}]
`;
}
