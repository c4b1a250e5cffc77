# bash completion for qlik                                   -*- shell-script -*-
#
# Load it with:  source <(qlik completion bash)
# It needs bash 4 or later, and works with or without the bash-completion package.
# Every TAB runs `qlik __complete <words>` and offers what it answers (Cobra's protocol: one `value<TAB>description`
# per line, then `:<directive>`). For an alias:  complete -o default -F __start_qlik <alias>
# Set BASH_COMP_DEBUG_FILE to a file name to see what happens.

__qlik_debug() {
    if [[ -n ${BASH_COMP_DEBUG_FILE-} ]]; then
        printf '%s\n' "$*" >> "$BASH_COMP_DEBUG_FILE"
    fi
}

# Splits the command line up to the cursor into the words the program will see: quotes and backslashes are removed
# as the shell would, nothing is expanded or run. Sets `words` (the last one is being completed, '' after a blank),
# `cut` (how many characters of that word come before the part readline replaces: readline's own word begins after
# the last = or : or opening quote) and `quoted` (the cursor is inside quotes).
__qlik_split_line() {
    local line=${COMP_LINE:0:COMP_POINT} word='' quote='' c next i started=0
    words=()
    cut=0
    quoted=0
    for (( i = 0; i < ${#line}; i++ )); do
        c=${line:i:1}
        if [[ -n $quote ]]; then
            if [[ $c == "$quote" ]]; then
                quote=''
            elif [[ $quote == '"' && $c == '\' ]]; then
                next=${line:i+1:1}
                if [[ -n $next && $next == [\"\\\$\`] ]]; then
                    word+=$next
                    (( i++ ))
                else
                    word+=$c
                fi
            else
                word+=$c
            fi
            continue
        fi
        case $c in
            ' ' | $'\t' | $'\n')
                if (( started )); then
                    words+=("$word")
                fi
                word='' started=0 cut=0
                ;;
            \' | \")
                quote=$c started=1 cut=${#word}
                ;;
            \\)
                started=1
                if (( i + 1 < ${#line} )); then
                    (( i++ ))
                    word+=${line:i:1}
                fi
                ;;
            *)
                word+=$c started=1
                if [[ $COMP_WORDBREAKS == *"$c"* ]]; then
                    cut=${#word}
                fi
                ;;
        esac
    done
    [[ -n $quote ]] && quoted=1
    qchar=$quote
    words+=("$word")
}

# Runs the program for the words after the first; its answer goes to `out`.
__qlik_request() {
    local cmd=${words[0]}
    local -a args=("${words[@]:1}")
    [[ $cmd == '~/'* ]] && cmd=$HOME/${cmd#'~/'}
    __qlik_debug "request: $cmd __complete ${args[*]}"
    if [[ $(type -t -- "$cmd" 2> /dev/null) == alias && -n ${BASH_ALIASES[$cmd]-} ]]; then
        # An alias (`alias q='qlik --context prod'`): run what it stands for, as typing it would.
        out=$(eval "${BASH_ALIASES[$cmd]}"' __complete "${args[@]}"' 2> /dev/null)
    else
        case $(type -t -- "$cmd" 2> /dev/null) in
            file | function) ;;
            *) cmd=qlik ;;
        esac
        out=$("$cmd" __complete "${args[@]}" 2> /dev/null)
    fi
}

# Turns the values the program offered for `target` into what readline inserts in place of its own word.
__qlik_replies() {
    local bs='\' c value full lead=${cur:0:${#cur}-${#target}} prefix=${cur:0:cut}
    for value in "$@"; do
        full=$lead$value
        [[ $full == "$prefix"* ]] || continue
        value=${full:cut}
        if (( ! quoted && ! files )); then
            printf -v value '%q' "$value"
        elif (( ! files )) && [[ $qchar == '"' ]]; then
            # Inside an open double quote \, ", $ and ` keep their meaning: each gets a backslash. (The replacement
            # strings are quoted, so neither quote removal nor patsub_replacement's & changes them.)
            value=${value//"$bs"/"$bs$bs"}
            for c in '"' '$' '`'; do
                value=${value//"$c"/"$bs$c"}
            done
        elif (( ! files )) && [[ $qchar == "'" ]]; then
            # Inside an open single quote nothing can be escaped: a quote closes it, is escaped, and opens it again.
            value=${value//"'"/"'$bs''"}
        fi
        replies+=("$value")
    done
}

# Files (and directories) whose names end in one of the extensions given as arguments.
__qlik_files_with_ext() {
    local ext pattern='' restore
    for ext in "$@"; do
        pattern+=${pattern:+|}$ext
    done
    restore=$(shopt -p extglob)
    shopt -s extglob
    compgen -f -X "!*.@($pattern)" -- "$target"
    compgen -d -- "$target"
    eval "$restore"
}

__start_qlik() {
    local cur target out directive=0 line value desc cut=0 quoted=0 qchar='' files=0 i width=0 room
    local -a words=() values=() descs=() found=() replies=()
    COMPREPLY=()
    __qlik_split_line
    # Variable assignments in front of the command (`NO_COLOR=1 qlik …`) are not words of the program.
    while (( ${#words[@]} > 1 )) && [[ ${words[0]} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
        words=("${words[@]:1}")
    done
    cur=${words[${#words[@]}-1]}
    # The program completes the value of `--flag=value` by itself, so the part before the = is not its to match.
    target=$cur
    [[ $cur == -*=* ]] && target=${cur#*=}
    __qlik_request
    __qlik_debug "answer: ${out//$'\n'/|}"
    if [[ $out == *:* && ${out##*:} =~ ^[0-9]+$ ]]; then
        directive=${out##*:}
        out=${out%:*}
    else
        out=''
    fi
    if (( directive & 1 )); then
        __qlik_debug "the program reported an error"
        return 0
    fi

    while IFS='' read -r line; do
        [[ -z $line ]] && continue
        values+=("${line%%$'\t'*}")
        desc=''
        [[ $line == *$'\t'* ]] && desc=${line#*$'\t'}
        descs+=("$desc")
    done <<< "$out"

    if (( directive & 8 )); then
        files=1
        while IFS='' read -r line; do
            found+=("$line")
        done < <(__qlik_files_with_ext "${values[@]}")
    elif (( directive & 16 )); then
        files=1
        while IFS='' read -r line; do
            found+=("$line")
        done < <(if (( ${#values[@]} == 1 )); then cd -- "${values[0]}" 2> /dev/null && compgen -d -- "$target"; else compgen -d -- "$target"; fi)
    fi
    if (( files )); then
        compopt -o filenames 2> /dev/null
        compopt +o default 2> /dev/null
        __qlik_replies ${found[@]+"${found[@]}"}
        COMPREPLY=(${replies[@]+"${replies[@]}"})
        return 0
    fi

    # Only the values that complete the word typed so far (the program may offer more).
    local -a keep=() keepdescs=()
    for i in "${!values[@]}"; do
        if [[ ${values[i]} == "$target"* ]]; then
            keep+=("${values[i]}")
            keepdescs+=("${descs[i]}")
        fi
    done
    if (( ${#keep[@]} == 0 )); then
        if (( directive & 4 )); then
            compopt +o default 2> /dev/null
        else
            # Nothing to offer: readline's file name completion, as `complete -o default` asks.
            compopt -o default 2> /dev/null
        fi
        return 0
    fi
    compopt +o default 2> /dev/null
    (( directive & 2 )) && compopt -o nospace 2> /dev/null
    (( directive & 32 )) && compopt -o nosort 2> /dev/null
    __qlik_replies "${keep[@]}"
    if (( ${#replies[@]} < 2 )) || [[ ${COMP_TYPE-9} == 37 || ${COMP_TYPE-9} == 42 ]]; then
        # One value is inserted as it is; menu completion inserts each value in turn, so no descriptions either.
        COMPREPLY=(${replies[@]+"${replies[@]}"})
        return 0
    fi

    # Several values are listed: each with its description in parentheses, aligned, cut to the terminal's width.
    for value in "${replies[@]}"; do
        (( ${#value} > width )) && width=${#value}
    done
    room=$(( ${COLUMNS:-80} - width - 5 ))
    for i in "${!replies[@]}"; do
        value=${replies[i]}
        desc=${keepdescs[i]}
        if [[ -n $desc ]] && (( room >= 8 )); then
            (( ${#desc} > room )) && desc="${desc:0:room-1}…"
            printf -v value '%-*s  (%s)' "$width" "$value" "$desc"
        fi
        COMPREPLY+=("$value")
    done
}

complete -o default -F __start_qlik qlik
