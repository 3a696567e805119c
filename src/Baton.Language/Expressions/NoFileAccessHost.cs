namespace Baton.Expressions;

/// <summary>A host that refuses every file, for places where expressions must not read files (policies, variable files).</summary>
public sealed class NoFileAccessHost : IExpressionHost
{
    private NoFileAccessHost()
    {
    }

    /// <summary>The one instance.</summary>
    public static NoFileAccessHost Instance { get; } = new();

    /// <inheritdoc />
    public bool TryReadFile(string path, out string content, out string error)
    {
        content = string.Empty;
        error = "files cannot be read here";
        return false;
    }
}
