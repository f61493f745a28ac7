// `ims version`: this client's version and, when a server is configured, the server's and the
// Kubernetes version its API speaks, as `oc version` prints them.
import YAML from 'yaml';
import type { Command } from '../command.ts';
import { CliError } from '../cli-error.ts';
import { imagestreamVersion } from '../../lib/version.ts';

export const version: Command = {
  path: 'version',
  summary: 'Print the client and server versions',
  usage: 'ims version [--client] [-o json|yaml]',
  examples: `  # Both versions
  ims version

  # This client only, without asking a server
  ims version --client`,
  flags: [
    { name: 'client', type: 'bool', help: 'print the client version only' },
    { name: 'output', short: 'o', type: 'string', help: 'json or yaml', placeholder: 'FORMAT' },
  ],
  async run(context) {
    const output = context.args.strings.get('output');
    if (output !== undefined && output !== 'json' && output !== 'yaml') throw new CliError(`--output must be 'yaml' or 'json'`);
    const clientVersion = {
      gitVersion: imagestreamVersion,
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
      nodeVersion: process.version,
    };
    let serverVersion: { version?: string; kubernetes?: Record<string, unknown> } | undefined;
    let problem: Error | undefined;
    if (!context.args.bools.get('client')) {
      try {
        const client = context.client();
        const [info, kubernetes] = await Promise.all([client.serverInfo(), client.kubernetesVersion()]);
        serverVersion = { version: info.version, kubernetes };
      } catch (error) {
        problem = error as Error;
      }
    }
    if (output) {
      const data = {
        clientVersion,
        ...(serverVersion ? { serverVersion: { gitVersion: serverVersion.version, kubernetesVersion: serverVersion.kubernetes } } : {}),
      };
      context.out(output === 'json' ? JSON.stringify(data, null, 2) + '\n' : YAML.stringify(data));
    } else {
      context.out(`Client Version: ${imagestreamVersion}\n`);
      if (serverVersion) {
        context.out(`Server Version: ${serverVersion.version ?? 'unknown'}\n`);
        context.out(`Kubernetes Version: ${String(serverVersion.kubernetes?.gitVersion ?? 'unknown')}\n`);
      }
    }
    if (problem) throw problem;
  },
};
