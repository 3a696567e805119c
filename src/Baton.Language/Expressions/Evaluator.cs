using Baton.Diagnostics;
using Baton.Values;

namespace Baton.Expressions;

/// <summary>
/// Evaluates expressions. Evaluation never throws on user input: each error is a diagnostic at the offending
/// sub-expression, whose value becomes <see cref="Value.UnknownAny"/> so evaluation goes on without further errors.
/// </summary>
/// <remarks>
/// <para>Unknown values propagate: an operator or function with an unknown operand yields an unknown of its result
/// type, except <c>&amp;&amp;</c> and <c>||</c> when the known side decides and <c>c ? a : b</c> when <c>c</c> is known.</para>
/// <para>Sensitive values stay sensitive: an operator, template, conditional or function result that involves a
/// sensitive value is sensitive as a whole; a list or map built from sensitive items keeps the marks on those items;
/// an element taken from a collection is sensitive when it, the collection or the key is. Functions see unmarked
/// arguments and their whole result is marked, so <c>concat([secret], [1])</c> is a sensitive list.</para>
/// <para>Conversions follow Terraform: a string holding a number works in arithmetic (<c>"5" * 2</c> is 10), numbers
/// and bools are written into templates as text. <c>+</c> adds numbers only. <c>&lt; &lt;= &gt; &gt;=</c> compare
/// numbers only. <c>== !=</c> compare any values deeply, with no conversion (<c>1 == "1"</c> is false).</para>
/// </remarks>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="expression"/> in <paramref name="scope"/>, reporting problems to <paramref name="diagnostics"/>.</summary>
    public static Value Evaluate(Expression expression, IEvaluationScope scope, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return new EvaluationRun(scope, diagnostics, 0).Evaluate(expression);
    }
}
