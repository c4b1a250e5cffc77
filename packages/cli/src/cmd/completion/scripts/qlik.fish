# fish completion for qlik                                   -*- shell-script -*-
#
# Load it with `qlik completion fish | source`, or save it as ~/.config/fish/completions/qlik.fish.
# Every TAB runs `qlik __complete <words>` and offers what it answers (Cobra's protocol: one `value<TAB>description`
# per line, then `:<directive>`). Set BASH_COMP_DEBUG_FILE to a file name to see what happens.

function __qlik_debug
    if set -q BASH_COMP_DEBUG_FILE; and test -n "$BASH_COMP_DEBUG_FILE"
        string join -- ' ' $argv >> $BASH_COMP_DEBUG_FILE
    end
end

# Asks the program; sets __qlik_candidates and succeeds when fish should offer them (and not file names).
function __qlik_offer
    set -g __qlik_candidates
    # The words before the cursor without their quotes, then the one being completed.
    set -l args (commandline -opc)
    set -l program $args[1]
    set -e args[1]
    set -l cur (commandline -ct | string unescape 2> /dev/null)
    or set cur (commandline -ct)
    if not type -q -- "$program"
        set program qlik
    end
    __qlik_debug "request: $program __complete $args '$cur'"
    set -l out ($program __complete $args "$cur" 2> /dev/null)
    __qlik_debug "answer: $out"
    set -l directive 0
    if set -q out[1]; and string match -qr '^:[0-9]+$' -- $out[-1]
        set directive (string sub -s 2 -- $out[-1])
        set -e out[-1]
    else
        set out
    end
    if test (math "bitand($directive, 1)") -ne 0
        return 0
    end
    # `--flag=value`: the program completes the part after the =; fish replaces the whole word.
    set -l lead ''
    set -l target $cur
    if string match -q -- '-*=*' $cur
        set lead (string replace -r -- '=.*' '=' $cur)
        set target (string replace -r -- '^[^=]*=' '' $cur)
    end

    if test (math "bitand($directive, 8)") -ne 0; or test (math "bitand($directive, 16)") -ne 0
        set -l dir_only (math "bitand($directive, 16)")
        set -l base ''
        if test $dir_only -ne 0; and test (count $out) -eq 1
            set base (string replace -r -- '/*$' '/' $out[1])
        end
        for path in $base$target*
            set -l shown (string replace -- $base '' $path)
            if test -d $path
                set -a __qlik_candidates $lead$shown/
            else if test $dir_only -eq 0
                for ext in $out
                    if string match -q -- "*.$ext" $path
                        set -a __qlik_candidates $lead$shown
                        break
                    end
                end
            end
        end
        return 0
    end

    for line in $out
        set -l value (string split -m 1 \t -- $line)[1]
        if test -n "$value"; and string match -q -- "$target*" $value
            set -a __qlik_candidates $lead$line
        end
    end
    if not set -q __qlik_candidates[1]
        # Nothing offered: file names, unless the program said not to.
        test (math "bitand($directive, 4)") -ne 0
        return
    end
    # No space after the only candidate: a second one that differs after it keeps fish from adding the space.
    if test (math "bitand($directive, 2)") -ne 0; and test (count $__qlik_candidates) -eq 1
        set -l only (string split -m 1 \t -- $__qlik_candidates[1])[1]
        set -a __qlik_candidates $only.
    end
    return 0
end

complete -c qlik -e
complete -c qlik -n __qlik_offer -f -a '$__qlik_candidates'
