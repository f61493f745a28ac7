// `ims completion bash|zsh`: a script that makes the shell complete ims's commands, flags, kinds
// and object names. The script asks `ims __complete WORDS... CURRENT` for candidates, so what it
// offers always matches this ims and the server's kinds (from the discovery cache: no delay).
import type { Command, CommandContext } from '../command.ts';
import type { FlagSpec } from '../args.ts';
import { CliError } from '../cli-error.ts';
import { globalFlags } from '../command.ts';
import { commandTable, findCommand, leadingWords } from '../command-table.ts';
import { listProjectNames } from '../project-list.ts';
import { hoistGlobalFlags } from '../global-flags.ts';
import { resourceLabel } from '../resource-resolver.ts';

const bashScript = `# bash completion for ims. Load it with: source <(ims completion bash)
_ims() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null)" -- "$cur") )
}
complete -o default -F _ims ims
`;

const zshScript = `#compdef ims
# zsh completion for ims. Load it with: source <(ims completion zsh) (after compinit)
_ims() {
  local -a candidates
  candidates=("\${(@f)$("\${words[1]}" __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null)}")
  compadd -- "\${(@)candidates:#}"
}
compdef _ims ims
`;

/** Commands whose first argument is a kind and the next ones are names of that kind. */
const takesObjects = new Set(['get', 'describe', 'delete', 'edit', 'patch', 'label', 'annotate', 'explain']);

function flagWords(flags: readonly FlagSpec[]): string[] {
  return flags.filter((f) => !f.deprecated).flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]);
}

/** The flag a word sets, if it takes a value (`-n`, `--output`). */
function valueFlag(word: string | undefined, flags: readonly FlagSpec[]): FlagSpec | undefined {
  if (!word?.startsWith('-') || word.includes('=')) return undefined;
  const name = word.replace(/^--?/, '');
  const flag = flags.find((f) => (word.startsWith('--') ? f.name === name : f.short === name));
  return flag && flag.type !== 'bool' ? flag : undefined;
}

/** What may come next on `ims WORDS... CURRENT`, one candidate a line; best effort, never an error. */
export async function completions(context: CommandContext, typedWords: readonly string[], current: string): Promise<string[]> {
  // `ims -n demo get is <TAB>`: the command's words come first, as ims reads the line.
  const words = hoistGlobalFlags(typedWords);
  const entry = findCommand(words);
  const named = leadingWords(words);
  if (!entry || named.length < entry.path.split(' ').length) {
    // Still naming the command: the next word of every command path the words so far begin.
    const depth = named.length;
    const next = commandTable
      .filter((c) => !c.hidden && c.path.split(' ').slice(0, depth).join(' ') === named.join(' '))
      .map((c) => c.path.split(' ')[depth])
      .filter((w): w is string => w !== undefined);
    return [...new Set([...next, ...(depth === 0 ? ['serve'] : [])])].sort();
  }
  const command = await entry.load();
  const flags = [...command.flags, ...globalFlags];
  const pending = valueFlag(words.at(-1), flags);
  if (pending?.name === 'namespace') return listProjectNames(context.client());
  if (pending?.name === 'output') return ['json', 'yaml', 'name', 'wide', 'jsonpath=', 'custom-columns='];
  if (pending) return [];
  if (current.startsWith('-')) return flagWords(flags);
  if (!takesObjects.has(entry.path)) return [];
  const positionals = words.slice(entry.path.split(' ').length).filter((w, i, all) => !w.startsWith('-') && !valueFlag(all[i - 1], flags));
  const resolver = await context.resolver();
  const kinds = resolver.all().filter((r) => r.verbs.includes('list'));
  const namespace = namespaceIn(words) ?? context.namespace;
  const namesOf = async (kindWord: string) => {
    const info = await resolver.resolve(kindWord);
    const list = await context
      .client()
      .resource(info)
      .list(info.namespaced ? namespace : undefined);
    return list.items.map((o) => o.metadata.name);
  };
  if (current.includes('/')) {
    const kindWord = current.slice(0, current.indexOf('/'));
    return (await namesOf(kindWord)).map((name) => `${kindWord}/${name}`);
  }
  if (positionals.length === 0 || entry.path === 'explain') return [...new Set(kinds.flatMap((r) => [r.resource, ...r.shortNames, resourceLabel(r)]))].sort();
  if (positionals[0].includes('/')) return [];
  return namesOf(positionals[0].split(',')[0]);
}

function namespaceIn(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-n' || words[i] === '--namespace') return words[i + 1];
    if (words[i].startsWith('--namespace=')) return words[i].slice('--namespace='.length);
  }
  return undefined;
}

export const complete: Command = {
  path: '__complete',
  summary: 'Print completion candidates for the shell scripts',
  usage: 'ims __complete WORDS... CURRENT',
  examples: '  # What `ims get is <TAB>` offers\n  ims __complete get is ""',
  flags: [],
  async run(context) {
    const words = context.args.positionals;
    const current = words.at(-1) ?? '';
    let candidates: string[] = [];
    try {
      candidates = await completions(context, words.slice(0, -1), current);
    } catch {
      // No server, no session, an unknown kind: nothing to offer, and nothing to print into a prompt.
    }
    context.out(
      candidates
        .filter((c) => c.startsWith(current))
        .map((c) => `${c}\n`)
        .join(''),
    );
  },
};

export const completion: Command = {
  path: 'completion',
  summary: 'Print a shell completion script (bash or zsh)',
  usage: 'ims completion bash|zsh',
  examples: `  # Complete ims in this bash session, and in every new one
  source <(ims completion bash)
  echo 'source <(ims completion bash)' >> ~/.bashrc

  # zsh, after compinit
  source <(ims completion zsh)`,
  flags: [],
  async run(context) {
    const [shell, ...more] = context.args.positionals;
    if (!shell || more.length) throw new CliError('Shell not specified: ims completion bash|zsh');
    if (shell === 'bash') context.out(bashScript);
    else if (shell === 'zsh') context.out(zshScript);
    else throw new CliError(`Unsupported shell type "${shell}".`);
  },
};
