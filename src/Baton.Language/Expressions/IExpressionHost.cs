namespace Baton.Expressions;

/// <summary>
/// The outside world as far as expressions may reach it: reading files for <c>file()</c> and <c>template()</c>.
/// The stack loader's host confines paths to the stack directory.
/// </summary>
public interface IExpressionHost
{
    /// <summary>Reads a text file; on failure returns false with a one-line, lower-case reason in <paramref name="error"/>.</summary>
    bool TryReadFile(string path, out string content, out string error);
}
