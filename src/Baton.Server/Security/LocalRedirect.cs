namespace Baton.Server.Security;

/// <summary>
/// Which return addresses the login form may redirect to: paths on this server only. Browsers drop tabs and newlines
/// from a URL and read a backslash as a slash, so <c>/\t/evil.example</c> and <c>/\evil.example</c> both lead off the
/// site; the check therefore takes visible ASCII only (a browser sends anything else percent-encoded), refuses the
/// backslash anywhere, and a second slash at the start.
/// </summary>
internal static class LocalRedirect
{
    /// <summary>The longest return address taken; longer ones fall back to the home page.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// True when <paramref name="url"/> is a path on this server: one leading <c>/</c>, not followed by <c>/</c>, and
    /// nothing but visible ASCII other than the backslash (no control, whitespace or non-ASCII character).
    /// </summary>
    public static bool IsLocalPath(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url[0] != '/' || (url.Length > 1 && url[1] == '/'))
        {
            return false;
        }

        foreach (var c in url)
        {
            if (c is < '!' or > '~' or '\\')
            {
                return false;
            }
        }

        return true;
    }
}
