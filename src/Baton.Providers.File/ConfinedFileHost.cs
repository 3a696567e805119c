using Baton.Expressions;

namespace Baton.Providers.File;

/// <summary>Lets templates read files (<c>file()</c>, <c>template()</c>) inside the stack directory only.</summary>
internal sealed class ConfinedFileHost(PathConfinement stack) : IExpressionHost
{
    public bool TryReadFile(string path, out string content, out string error)
    {
        content = string.Empty;
        if (!stack.TryResolve(path, out var resolved, out var reason))
        {
            error = reason;
            return false;
        }

        try
        {
            content = System.IO.File.ReadAllText(resolved);
            error = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error = exception.Message;
            return false;
        }
    }
}
