namespace Baton.State.Sqlite;

/// <summary>Where the SQLite state lives: <c>--state sqlite:PATH</c>, or <c>.baton/state.db</c> beside the stack.</summary>
public static class StateLocation
{
    /// <summary>The scheme of a SQLite location.</summary>
    public const string Scheme = "sqlite:";

    /// <summary>The default database, relative to the stack directory.</summary>
    public const string DefaultRelativePath = ".baton/state.db";

    /// <summary>
    /// The database path for <paramref name="stateOption"/> (null for the default), relative paths resolved against
    /// <paramref name="stackDirectory"/>. Returns false for a location that is not SQLite (such as <c>postgres://</c>).
    /// </summary>
    public static bool TryResolveSqlitePath(string? stateOption, string stackDirectory, out string path)
    {
        ArgumentNullException.ThrowIfNull(stackDirectory);
        path = string.Empty;
        string relative;
        if (string.IsNullOrEmpty(stateOption))
        {
            relative = DefaultRelativePath;
        }
        else if (stateOption.StartsWith(Scheme, StringComparison.Ordinal) && stateOption.Length > Scheme.Length)
        {
            relative = stateOption[Scheme.Length..];
        }
        else
        {
            return false;
        }

        path = Path.GetFullPath(relative, Path.GetFullPath(stackDirectory));
        return true;
    }
}
