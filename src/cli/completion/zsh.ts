import { commandCases } from "./command-cases.ts";
import { quote } from "./shell-quote.ts";
import { allNodes, type CompletionNode, type CompletionWord } from "./tree.ts";

/**
 * A zsh completion script for the program `tree` describes, with each word's description: the
 * whole tree is in the script, so completing never runs `lorastack`. Sourced after `compinit`
 * it registers itself with `compdef`; saved as `_lorastack` in a folder of `$fpath` it is
 * autoloaded (`#compdef`).
 */
export function zshCompletion(tree: CompletionNode): string {
  const name = tree.names[0] ?? "lorastack";
  const fn = `_${name.replaceAll("-", "_")}`;
  const nodes = allNodes(tree);
  const next = commandCases(nodes, `${fn}_node`);
  const entry = (word: CompletionWord) =>
    quote(
      word.description
        ? `${word.name.replaceAll(":", "\\:")}:${word.description}`
        : word.name.replaceAll(":", "\\:"),
    );
  const table = (pick: (node: CompletionNode) => CompletionWord[]) =>
    nodes.map(
      (node) => `    ${quote(node.path)}) ${fn}_reply=(${pick(node).map(entry).join(" ")}) ;;`,
    );
  return `#compdef ${name}
# zsh completion for ${name}, made by \`${name} completion zsh\`.
# Install: echo 'source <(${name} completion zsh)' >> ~/.zshrc (after compinit)
# or: ${name} completion zsh > "\${fpath[1]}/_${name}"

${fn}_next() {
  case "$1" in
${next.join("\n")}
    *) ${fn}_node="" ;;
  esac
}

${fn}_words() {
  case "$1" in
${table((node) => node.words).join("\n")}
    *) ${fn}_reply=() ;;
  esac
}

${fn}_flags() {
  case "$1" in
${table((node) => node.flags).join("\n")}
    *) ${fn}_reply=() ;;
  esac
}

${fn}() {
  local node="" word i ${fn}_node
  local -a ${fn}_reply
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    [[ $word == -* ]] && continue
    ${fn}_next "$node|$word"
    [[ -n $${fn}_node ]] && node=$${fn}_node
  done
  if [[ \${words[CURRENT]} == -* ]]; then
    ${fn}_flags "$node"
  else
    ${fn}_words "$node"
  fi
  _describe -t commands ${name} ${fn}_reply
}

if [[ \${funcstack[1]} == ${fn} ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${name}
fi
`;
}
