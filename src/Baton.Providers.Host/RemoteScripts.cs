namespace Baton.Providers.Host;

/// <summary>
/// The POSIX sh scripts the provider runs on hosts, each given its values as arguments (<c>$1</c>…), never pasted into
/// the text. A check is one script that prints the whole state of a resource as <c>KEY VALUE</c> lines, so reading a
/// resource costs one round trip.
/// </summary>
internal static class RemoteScripts
{
    /// <summary>
    /// A fragment: removes the leftover temporary files of earlier writes to $b in directory $d, makes a new one $t
    /// beside it, removed again when the script ends or is stopped before it renames the file into place.
    /// </summary>
    private const string TemporaryBeside = """
        rm -f -- "$d/.$b.baton-tmp."*
        t=$(mktemp -- "$d/.$b.baton-tmp.XXXXXXXX") || exit 3
        trap 'rm -f -- "$t"' EXIT
        trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM
        """;

    /// <summary>A fragment of the line scripts: follows a symbolic link at $p, and refuses a $match that is not a valid grep -E expression.</summary>
    private const string LineTarget = """
        if [ -L "$p" ]; then p=$(readlink -f -- "$p") || exit 4; fi
        if [ -n "$match" ]; then
          grep -E -e "$match" </dev/null >/dev/null
          if [ $? -gt 1 ]; then echo "match is not a valid extended regular expression (grep -E)" >&2; exit 3; fi
        fi
        """;

    /// <summary>A fragment of the line scripts: $eq, the lines of file $p equal to $line, and $other, those matching $match that are not (0 without one).</summary>
    private const string LineCounts = """
        eq=$(grep -c -x -F -e "$line" -- "$p")
        if [ $? -gt 1 ]; then exit 4; fi
        other=0
        if [ -n "$match" ]; then other=$(grep -E -e "$match" -- "$p" | grep -c -v -x -F -e "$line"); fi
        """;

    /// <summary>
    /// What is at path $1: <c>kind none|file|directory|other</c>; for a file or directory <c>stat OWNER UID GROUP GID
    /// MODE SIZE</c>; for a file <c>sha256 HEX</c> and, when it is at most $2 bytes (none when $2 is empty),
    /// <c>content BASE64</c>.
    /// </summary>
    public const string PathState = """
        p=$1 max=${2:-0}
        if [ -d "$p" ]; then echo 'kind directory'
        elif [ -f "$p" ]; then
          echo 'kind file'
          h=$(sha256sum < "$p") || exit 4
          echo "sha256 ${h%% *}"
        elif [ -e "$p" ] || [ -L "$p" ]; then echo 'kind other'; exit 0
        else echo 'kind none'; exit 0
        fi
        s=$(stat -L -c '%U %u %G %g %a %s' -- "$p") || exit 4
        echo "stat $s"
        if [ "$max" -gt 0 ] && [ -f "$p" ] && [ "${s##* }" -le "$max" ]; then
          c=$(base64 < "$p") || exit 4
          printf 'content %s\n' "$(printf %s "$c" | tr -d '\n')"
        fi
        """;

    /// <summary>
    /// Writes standard input to file $1 with owner $2, group $3, mode $4 (each empty: keep the file's, or the
    /// defaults for a new one), when it is $5 bytes long with SHA-256 $6: into a temporary file beside it, synced,
    /// then renamed over it. A missing directory is made (0755) when $7 is 1, else an error. Leftover temporary
    /// files of earlier writes are removed first. Then prints <see cref="PathState"/>.
    /// </summary>
    public const string WriteFile = """
        p=$1 owner=$2 group=$3 mode=$4 size=$5 sum=$6 parents=$7
        d=$(dirname -- "$p") b=$(basename -- "$p")
        if [ ! -d "$d" ] && [ "$parents" = 1 ]; then mkdir -p -- "$d" && chmod 0755 -- "$d" || exit 3; fi
        if [ ! -d "$d" ]; then echo "the directory $d does not exist (declare it with host.directory)" >&2; exit 3; fi
        if [ -d "$p" ]; then echo "$p is a directory, not a file" >&2; exit 3; fi
        """ + "\n" + TemporaryBeside + "\n" + """
        cat > "$t" || exit 4
        n=$(wc -c < "$t") || exit 4
        if [ "$n" -ne "$size" ]; then echo "the transfer ended after $n of $size bytes; the file was left as it was" >&2; exit 5; fi
        h=$(sha256sum < "$t") || exit 4
        if [ "${h%% *}" != "$sum" ]; then echo "the transferred content does not match its SHA-256; the file was left as it was" >&2; exit 5; fi
        if [ -e "$p" ]; then
          chown --reference="$p" -- "$t" 2>/dev/null
          chmod --reference="$p" -- "$t" || exit 6
        else
          chmod 0644 -- "$t" || exit 6
        fi
        if [ -n "$owner" ]; then chown -- "$owner" "$t" || exit 6; fi
        if [ -n "$group" ]; then chgrp -- "$group" "$t" || exit 6; fi
        if [ -n "$mode" ]; then chmod -- "$mode" "$t" || exit 6; fi
        sync -- "$t" 2>/dev/null || sync
        mv -f -- "$t" "$p" || exit 7
        trap - EXIT
        sync -- "$d" 2>/dev/null
        set -- "$p"
        """ + "\n" + PathState;

    /// <summary>Gives the existing path $1 owner $2, group $3 and mode $4 (each empty: left as it is); then prints <see cref="PathState"/>.</summary>
    public const string SetAttributes = """
        p=$1 owner=$2 group=$3 mode=$4
        if [ ! -e "$p" ]; then echo "$p does not exist" >&2; exit 3; fi
        if [ -n "$owner" ]; then chown -- "$owner" "$p" || exit 6; fi
        if [ -n "$group" ]; then chgrp -- "$group" "$p" || exit 6; fi
        if [ -n "$mode" ]; then chmod -- "$mode" "$p" || exit 6; fi
        set -- "$p"
        """ + "\n" + PathState;

    /// <summary>Makes directory $1 (and its parents) with owner $2, group $3 and mode $4 (empty: 0755 for a new one); then prints <see cref="PathState"/>.</summary>
    public const string MakeDirectory = """
        p=$1 owner=$2 group=$3 mode=$4
        if [ -e "$p" ] && [ ! -d "$p" ]; then echo "$p exists and is not a directory" >&2; exit 3; fi
        if [ ! -d "$p" ]; then
          mkdir -p -- "$p" || exit 4
          if [ -z "$mode" ]; then chmod 0755 -- "$p" || exit 6; fi
        fi
        if [ -n "$owner" ]; then chown -- "$owner" "$p" || exit 6; fi
        if [ -n "$group" ]; then chgrp -- "$group" "$p" || exit 6; fi
        if [ -n "$mode" ]; then chmod -- "$mode" "$p" || exit 6; fi
        set -- "$p"
        """ + "\n" + PathState;

    /// <summary>
    /// Sends file $1 to standard output, then prints <c>sha256 HEX</c> of it (computed after the copy, so a file
    /// changed meanwhile does not match) as the last line of standard error.
    /// </summary>
    public const string ReadFile = """
        p=$1
        if [ ! -f "$p" ]; then
          if [ -e "$p" ]; then echo "$p is not a regular file" >&2; else echo "$p does not exist" >&2; fi
          exit 3
        fi
        cat -- "$p" || exit 4
        h=$(sha256sum < "$p") || exit 4
        echo "sha256 ${h%% *}" >&2
        """;

    /// <summary>
    /// What is at path $1 seen as a link: <c>kind none|link|directory|other</c>; for a link <c>target TEXT</c>
    /// (readlink) and <c>stat OWNER UID GROUP GID MODE SIZE</c> of the link itself.
    /// </summary>
    public const string LinkState = """
        p=$1
        if [ -L "$p" ]; then
          echo 'kind link'
          t=$(readlink -- "$p") || exit 4
          echo "target $t"
          s=$(stat -c '%U %u %G %g %a %s' -- "$p") || exit 4
          echo "stat $s"
        elif [ -d "$p" ]; then echo 'kind directory'
        elif [ -e "$p" ]; then echo 'kind other'
        else echo 'kind none'
        fi
        """;

    /// <summary>
    /// Makes path $1 a symbolic link to $2 (made beside it, then renamed over it), replacing a non-directory that
    /// is not a link only when $3 is 1; gives the link owner $4 and group $5 (empty: left as they are) with
    /// <c>chown -h</c>. Then prints <see cref="LinkState"/>.
    /// </summary>
    public const string MakeLink = """
        p=$1 target=$2 force=$3 owner=$4 group=$5
        d=$(dirname -- "$p") b=$(basename -- "$p")
        if [ ! -d "$d" ]; then echo "the directory $d does not exist (declare it with host.directory)" >&2; exit 3; fi
        if [ -d "$p" ] && [ ! -L "$p" ]; then echo "$p is a directory; a link does not replace one" >&2; exit 3; fi
        if [ -e "$p" ] && [ ! -L "$p" ] && [ "$force" != 1 ]; then echo "$p exists and is not a symbolic link (set force: true to replace it)" >&2; exit 3; fi
        if [ ! -L "$p" ] || [ "$(readlink -- "$p")" != "$target" ]; then
          rm -f -- "$d/.$b.baton-tmp."*
          t=$(mktemp -u -- "$d/.$b.baton-tmp.XXXXXXXX") || exit 3
          ln -s -- "$target" "$t" || exit 4
          trap 'rm -f -- "$t"' EXIT
          mv -f -T -- "$t" "$p" || exit 7
          trap - EXIT
        fi
        if [ -n "$owner" ]; then chown -h -- "$owner" "$p" || exit 6; fi
        if [ -n "$group" ]; then chgrp -h -- "$group" "$p" || exit 6; fi
        set -- "$p"
        """ + "\n" + LinkState;

    /// <summary>Removes path $1 when it is a symbolic link; anything else there is left alone.</summary>
    public const string RemoveLink = """
        if [ -L "$1" ]; then rm -f -- "$1"; fi
        """;

    /// <summary>
    /// How file $1 (a symbolic link followed) holds line $2: <c>exists 0|1</c>, <c>equal N</c> (the lines equal to
    /// it) and, when the regular expression $3 is not empty, <c>other N</c> (the lines matching it that are not
    /// equal to the line). An invalid expression is an error.
    /// </summary>
    public const string LineState = """
        p=$1 line=$2 match=$3
        """ + "\n" + LineTarget + "\n" + """
        if [ ! -e "$p" ]; then echo 'exists 0'; exit 0; fi
        if [ ! -f "$p" ]; then echo "$p is not a regular file" >&2; exit 3; fi
        echo 'exists 1'
        """ + "\n" + LineCounts + "\n" + """
        echo "equal $eq"
        if [ -n "$match" ]; then echo "other $other"; fi
        """;

    /// <summary>
    /// Puts line $2 in file $1 (a symbolic link followed), or takes it out when $4 is absent, as host.line says
    /// (regular expression $3: the lines it matches are replaced, or removed), through a temporary file beside it
    /// that gets the file's owner and mode and is renamed over it; nothing is written when the file is already
    /// right. A missing file is made with mode $6 when $5 is 1, else an error (fine for absent). Then prints
    /// <see cref="LineState"/>.
    /// </summary>
    public const string EditLine = """
        p=$1 line=$2 match=$3 state=$4 create=$5 mode=$6
        """ + "\n" + LineTarget + "\n" + """
        d=$(dirname -- "$p") b=$(basename -- "$p")
        edit() {
          if [ ! -e "$p" ]; then
            if [ "$state" = absent ]; then return 0; fi
            if [ "$create" != 1 ]; then echo "$p does not exist (set create: true to create it)" >&2; exit 3; fi
            if [ ! -d "$d" ]; then echo "the directory $d does not exist (declare it with host.directory)" >&2; exit 3; fi
          elif [ ! -f "$p" ]; then echo "$p is not a regular file" >&2; exit 3
          else
        """ + "\n" + LineCounts + "\n" + """
            if [ "$state" = absent ]; then
              if [ "$eq" -eq 0 ] && [ "$other" -eq 0 ]; then return 0; fi
            elif [ "$eq" -gt 0 ] && [ "$other" -eq 0 ]; then return 0
            fi
          fi
        """ + "\n" + TemporaryBeside + "\n" + """
          if [ -e "$p" ]; then
            chown --reference="$p" -- "$t" 2>/dev/null
            chmod --reference="$p" -- "$t" || exit 6
            {
              echo 's 0'
              grep -n -x -F -e "$line" -- "$p" | sed 's/:.*//; s/^/e /'
              if [ -n "$match" ]; then grep -n -E -e "$match" -- "$p" | sed 's/:.*//; s/^/m /'; fi
            } | L=$line S=$state awk '
              NR == FNR { if ($1 == "e") e[$2] = 1; else if ($1 == "m") m[$2] = 1; next }
              ENVIRON["S"] == "absent" { if ((FNR in e) || (FNR in m)) next; print; next }
              FNR in m { print ENVIRON["L"]; done = 1; next }
              { if (FNR in e) done = 1; print }
              END { if (ENVIRON["S"] != "absent" && !done) print ENVIRON["L"] }
            ' - "$p" > "$t" || exit 4
          else
            printf '%s\n' "$line" > "$t" || exit 4
            chmod -- "$mode" "$t" || exit 6
          fi
          sync -- "$t" 2>/dev/null || sync
          mv -f -- "$t" "$p" || exit 7
          trap - EXIT
        }
        edit
        set -- "$p" "$line" "$match"
        """ + "\n" + LineState;

    /// <summary>Removes file $1 (a missing one is fine; a directory is refused).</summary>
    public const string RemoveFile = """
        p=$1
        if [ -d "$p" ] && [ ! -L "$p" ]; then echo "$p is a directory, not a file" >&2; exit 3; fi
        rm -f -- "$p"
        """;

    /// <summary>Removes directory $1: with contents when $2 is 1, else only when empty (a missing one is fine).</summary>
    public const string RemoveDirectory = """
        p=$1 force=$2
        if [ ! -e "$p" ] && [ ! -L "$p" ]; then exit 0; fi
        if [ ! -d "$p" ] || [ -L "$p" ]; then echo "$p is not a directory" >&2; exit 3; fi
        if [ "$force" = 1 ]; then rm -rf -- "$p"; else rmdir -- "$p"; fi
        """;

    /// <summary>Runs the argument list $2… in directory $1.</summary>
    public const string InDirectory = """
        cd -- "$1" || exit 126
        shift
        exec "$@"
        """;

    /// <summary>
    /// For each package $2…: <c>pkg NAME STATUS VERSION</c> from dpkg-query (STATUS <c>ii</c> when installed; empty
    /// when dpkg does not know it) and, when $1 is 1, <c>candidate NAME VERSION</c> from apt-cache policy.
    /// </summary>
    public const string PackageState = """
        latest=$1; shift
        for n in "$@"; do
          s=$(dpkg-query -W -f='${db:Status-Abbrev}|${Version}' -- "$n" 2>/dev/null) || s='|'
          printf 'pkg %s %s %s\n' "$n" "$(printf %s "${s%%|*}" | tr -d ' ')" "${s#*|}"
          if [ "$latest" = 1 ]; then
            c=$(apt-cache policy -- "$n" 2>/dev/null | sed -n 's/^ *Candidate: //p')
            printf 'candidate %s %s\n' "$n" "$c"
          fi
        done
        """;

    /// <summary>
    /// Prints the state of service $1: <c>init systemd|sysv</c>, <c>exists 0|1</c>, <c>running 0|1</c>, <c>enabled 0|1</c>.
    /// </summary>
    public const string ServiceState = """
        n=$1
        if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
          echo 'init systemd'
          load=$(systemctl show -p LoadState --value -- "$n.service" 2>/dev/null)
          if [ "$load" = not-found ] || [ -z "$load" ]; then echo 'exists 0'; exit 0; fi
          echo 'exists 1'
          if systemctl is-active --quiet -- "$n.service"; then echo 'running 1'; else echo 'running 0'; fi
          if systemctl is-enabled --quiet -- "$n.service" 2>/dev/null; then echo 'enabled 1'; else echo 'enabled 0'; fi
        else
          echo 'init sysv'
          if [ ! -x "/etc/init.d/$n" ]; then echo 'exists 0'; exit 0; fi
          echo 'exists 1'
          if command -v service >/dev/null 2>&1; then service "$n" status >/dev/null 2>&1; else "/etc/init.d/$n" status >/dev/null 2>&1; fi
          if [ $? -eq 0 ]; then echo 'running 1'; else echo 'running 0'; fi
          if ls /etc/rc2.d/S[0-9][0-9]"$n" /etc/rc3.d/S[0-9][0-9]"$n" /etc/rc5.d/S[0-9][0-9]"$n" >/dev/null 2>&1; then echo 'enabled 1'; else echo 'enabled 0'; fi
        fi
        """;

    /// <summary>Runs verb $2 (start, stop, restart, reload) on service $1, through systemctl or its init script.</summary>
    public const string ServiceControl = """
        n=$1 verb=$2
        if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then exec systemctl "$verb" -- "$n.service"; fi
        if command -v service >/dev/null 2>&1; then exec service "$n" "$verb"; fi
        exec "/etc/init.d/$n" "$verb"
        """;

    /// <summary>Enables ($2 = 1) or disables ($2 = 0) service $1 at boot.</summary>
    public const string ServiceEnable = """
        n=$1 on=$2
        if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
          if [ "$on" = 1 ]; then exec systemctl enable --quiet -- "$n.service"; else exec systemctl disable --quiet -- "$n.service"; fi
        fi
        if [ "$on" = 1 ]; then
          update-rc.d "$n" defaults >/dev/null && update-rc.d "$n" enable
        else
          update-rc.d "$n" defaults >/dev/null && update-rc.d "$n" disable
        fi
        """;

    /// <summary>
    /// Prints user $1: <c>exists 0</c>, or <c>exists 1</c>, <c>uid N</c>, <c>group NAME</c>, <c>home PATH</c>,
    /// <c>shell PATH</c>, <c>groups NAME…</c> (supplementary, space-separated).
    /// </summary>
    public const string UserState = """
        n=$1
        e=$(getent passwd -- "$n") || { echo 'exists 0'; exit 0; }
        echo 'exists 1'
        IFS=: read -r _ _ uid gid _ home shell <<BATON_EOF
        $e
        BATON_EOF
        echo "uid $uid"
        g=$(getent group "$gid" | cut -d: -f1)
        echo "group ${g:-$gid}"
        echo "home $home"
        echo "shell $shell"
        all=$(id -Gn -- "$n") || exit 4
        extra=
        for x in $all; do [ "$x" = "$g" ] || extra="$extra $x"; done
        echo "groups${extra}"
        """;

    /// <summary>Prints group $1: <c>exists 0</c>, or <c>exists 1</c> and <c>gid N</c>.</summary>
    public const string GroupState = """
        e=$(getent group -- "$1") || { echo 'exists 0'; exit 0; }
        echo 'exists 1'
        echo "gid $(printf %s "$e" | cut -d: -f3)"
        """;
}
