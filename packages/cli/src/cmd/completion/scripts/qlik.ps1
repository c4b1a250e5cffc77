# powershell completion for qlik                              -*- shell-script -*-
#
# Load it with:  qlik completion powershell | Out-String | Invoke-Expression
# Every TAB runs `qlik __complete <words>` and offers what it answers (Cobra's protocol: one `value<TAB>description`
# per line, then `:<directive>`). Set $env:BASH_COMP_DEBUG_FILE to a file name to see what happens.

function __qlik_debug([string]$Message) {
    if ($env:BASH_COMP_DEBUG_FILE) { $Message | Out-File -Append -FilePath $env:BASH_COMP_DEBUG_FILE }
}

Register-ArgumentCompleter -CommandName 'qlik' -Native -ScriptBlock {
    param($WordToComplete, $CommandAst, $CursorPosition)

    # The words before the one being completed, without their quotes (nothing is evaluated).
    $words = @($CommandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $CursorPosition } | ForEach-Object {
        if ($_ -is [System.Management.Automation.Language.StringConstantExpressionAst]) { $_.Value } else { $_.Extent.Text }
    })
    if ($words.Count -gt 0 -and $WordToComplete -ne '' -and $words[-1] -eq $WordToComplete) { $words = @($words | Select-Object -SkipLast 1) }
    $program = if ($words.Count -gt 0) { $words[0] } else { 'qlik' }
    if (-not (Get-Command -Name $program -ErrorAction SilentlyContinue)) { $program = 'qlik' }
    $arguments = @($words | Select-Object -Skip 1)
    $current = $WordToComplete
    # Before PowerShell 7.3 (and with legacy argument passing) an empty argument never reaches a native program.
    $legacy = $PSVersionTable.PSVersion -lt [version]'7.3' -or $PSNativeCommandArgumentPassing -eq 'Legacy'
    if ($current -eq '' -and $legacy) { $current = '""' }
    __qlik_debug "request: $program __complete $arguments '$current'"
    $out = @(& $program __complete @arguments $current 2>$null)
    __qlik_debug "answer: $($out -join '|')"

    $directive = 0
    if ($out.Count -gt 0 -and $out[-1] -match '^:(\d+)$') {
        $directive = [int]$Matches[1]
        $out = @($out | Select-Object -SkipLast 1)
    } else {
        $out = @()
    }
    if ($directive -band 1) { return }

    # `--flag=value`: the program completes the part after the =; PowerShell replaces the whole word.
    $lead = ''
    $target = $WordToComplete
    if ($WordToComplete -like '-*=*') {
        $lead = $WordToComplete.Substring(0, $WordToComplete.IndexOf('=') + 1)
        $target = $WordToComplete.Substring($lead.Length)
    }
    $quote = { param($text) if ($text -match '[\s''"`$;,(){}@|&<>#]') { "'" + ($text -replace "'", "''") + "'" } else { $text } }

    if (($directive -band 8) -or ($directive -band 16)) {
        $dirsOnly = ($directive -band 16) -ne 0
        $exts = if ($dirsOnly) { @() } else { $out }
        $base = if ($dirsOnly -and $out.Count -eq 1) { $out[0] } else { '' }
        $pattern = if ($base -ne '') { Join-Path $base "$target*" } else { "$target*" }
        $parent = if ($base -eq '' -and $target -ne '') { Split-Path $target } else { '' }
        Get-ChildItem -Path $pattern -Force -ErrorAction SilentlyContinue | ForEach-Object {
            $name = if ($parent -ne '') { Join-Path $parent $_.Name } else { $_.Name }
            if ($_.PSIsContainer) {
                $text = & $quote "$lead$name/"
                [System.Management.Automation.CompletionResult]::new($text, "$name/", 'ProviderContainer', "$name/")
            } elseif (-not $dirsOnly -and ($exts | Where-Object { $_ -ne '' -and $name -like "*.$_" })) {
                $text = & $quote "$lead$name"
                [System.Management.Automation.CompletionResult]::new($text, $name, 'ProviderItem', $name)
            }
        }
        return
    }

    $results = @(foreach ($line in $out) {
        $parts = $line -split "`t", 2
        $value = $parts[0]
        if ($value -eq '' -or -not $value.StartsWith($target)) { continue }
        $desc = if ($parts.Count -gt 1 -and $parts[1] -ne '') { $parts[1] } else { $value }
        [System.Management.Automation.CompletionResult]::new((& $quote "$lead$value"), $value, 'ParameterValue', $desc)
    })
    if ($results.Count -eq 0) {
        # Nothing offered: PowerShell completes file names, unless the program said not to.
        if (($directive -band 4) -and $WordToComplete -ne '') {
            [System.Management.Automation.CompletionResult]::new($WordToComplete, $WordToComplete, 'ParameterValue', $WordToComplete)
        }
        return
    }
    $results
}
