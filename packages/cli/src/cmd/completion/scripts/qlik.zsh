#compdef qlik
# zsh completion for qlik                                    -*- shell-script -*-
#
# Load it with `source <(qlik completion zsh)` after compinit, or save it as `_qlik` in a directory of $fpath.
# Every TAB runs `qlik __complete <words>` and offers what it answers (Cobra's protocol: one `value<TAB>description`
# per line, then `:<directive>`). Set BASH_COMP_DEBUG_FILE to a file name to see what happens.

__qlik_debug() {
    [[ -n ${BASH_COMP_DEBUG_FILE-} ]] && print -r -- "$*" >> "$BASH_COMP_DEBUG_FILE"
}

_qlik() {
    local -a args entries lines exts
    local out line value desc cur directive=0 program
    # The words the program sees: up to the cursor, with their quotes removed (nothing is expanded or run).
    args=("${(@Q)words[2,CURRENT-1]}")
    cur=${(Q)PREFIX}
    program=${(Q)words[1]}
    (( $+commands[$program] || $+functions[$program] )) || program=qlik
    __qlik_debug "request: $program __complete ${args[*]} '$cur'"
    out=$("$program" __complete "${args[@]}" "$cur" 2> /dev/null)
    __qlik_debug "answer: ${out//$'\n'/|}"
    lines=("${(@f)out}")
    if [[ ${lines[-1]-} == :<-> ]]; then
        directive=${lines[-1]#:}
        lines[-1]=()
    else
        lines=()
    fi
    (( directive & 1 )) && return 1

    # `--flag=value`: the program completes the part after the =, and so does zsh.
    [[ $cur == -*=* ]] && compset -P '*='

    if (( directive & 8 )); then
        exts=("${(@)lines:#}")
        _files -g "*.(${(j:|:)exts})"
        return
    fi
    if (( directive & 16 )); then
        if (( ${#lines} == 1 )); then
            _files -W "${lines[1]}" -/
        else
            _files -/
        fi
        return
    fi

    for line in "${lines[@]}"; do
        [[ -z $line ]] && continue
        value=${line%%$'\t'*}
        desc=''
        [[ $line == *$'\t'* ]] && desc=${line#*$'\t'}
        # _describe separates a value from its description at the first unescaped colon.
        value=${value//:/\\:}
        entries+=("$value${desc:+:$desc}")
    done
    if (( ${#entries} == 0 )); then
        (( directive & 4 )) && return 1
        _files
        return
    fi
    local -a order suffix
    (( directive & 32 )) && order=(-V)
    (( directive & 2 )) && suffix=(-S '')
    _describe $order -t qlik-values 'completions' entries $suffix
}

# Autoloaded from $fpath, this file is the body of _qlik: complete now. Sourced, it registers _qlik.
if [[ ${zsh_eval_context[-1]-} == loadautofunc ]]; then
    _qlik "$@"
elif (( $+functions[compdef] )); then
    compdef _qlik qlik
else
    print -u2 -- "qlik completion: run 'autoload -U compinit; compinit' before loading this script"
fi
