using System.Security.Cryptography;
using System.Text;

namespace Baton.Providers.Postgres;

/// <summary>Quoting for the statements that cannot take parameters (CREATE/ALTER/DROP of databases and roles).</summary>
internal static class SqlText
{
    private const string PasswordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A double-quoted identifier; embedded double quotes are doubled.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// An escape-string literal (E'...') with single quotes and backslashes doubled, so it means the same whatever the
    /// server's standard_conforming_strings is. NUL cannot be sent at all and is refused.
    /// </summary>
    public static string Literal(string text)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a NUL character cannot be sent to PostgreSQL", nameof(text));
        }

        return "E'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Why <paramref name="name"/> cannot name a database or role, or null when it can.</summary>
    public static string? IdentifierProblem(string name) =>
        name.Length == 0 ? "must not be empty"
        : name.Contains('\0', StringComparison.Ordinal) ? "must not contain a NUL character"
        : Encoding.UTF8.GetByteCount(name) > 63 ? "must be at most 63 bytes (PostgreSQL would truncate it)"
        : null;

    /// <summary>32 characters from a CSPRNG.</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString(PasswordAlphabet, 32);
}
