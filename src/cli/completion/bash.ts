import { commandCases } from "./command-cases.ts";
import { quote } from "./shell-quote.ts";
import { allNodes, type CompletionNode } from "./tree.ts";

/**
 * A bash completion script for the program `tree` describes: the whole tree is in the script
 * (case tables, bash 3.2 and later), so completing never runs `lorastack`. The words typed so
 * far that name commands lead from the program down to the current command; a word starting
 * with `-` completes its flags, any other its subcommands (or its argument's choices).
 */
export function bashCompletion(tree: CompletionNode): string {
  const name = tree.names[0] ?? "lorastack";
  const fn = `_${name.replaceAll("-", "_")}`;
  const nodes = allNodes(tree);
  const next = commandCases(nodes, `${fn}_reply`);
  const table = (pick: (node: CompletionNode) => string[]) =>
    nodes.map((node) => `    ${quote(node.path)}) ${fn}_reply=${quote(pick(node).join(" "))} ;;`);
  return `# bash completion for ${name}, made by \`${name} completion bash\`.
# Install: echo 'source <(${name} completion bash)' >> ~/.bashrc
# or: ${name} completion bash > ~/.local/share/bash-completion/completions/${name}

${fn}_next() {
  case "$1" in
${next.join("\n")}
    *) ${fn}_reply="" ;;
  esac
}

${fn}_words() {
  case "$1" in
${table((node) => node.words.map((word) => word.name)).join("\n")}
    *) ${fn}_reply="" ;;
  esac
}

${fn}_flags() {
  case "$1" in
${table((node) => node.flags.map((flag) => flag.name)).join("\n")}
    *) ${fn}_reply="" ;;
  esac
}

${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" node="" word i ${fn}_reply
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    [[ $word == -* ]] && continue
    ${fn}_next "$node|$word"
    [[ -n $${fn}_reply ]] && node="$${fn}_reply"
  done
  if [[ $cur == -* ]]; then
    ${fn}_flags "$node"
  else
    ${fn}_words "$node"
  fi
  COMPREPLY=($(compgen -W "$${fn}_reply" -- "$cur"))
}

complete -F ${fn} ${name}
`;
}
