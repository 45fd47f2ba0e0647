namespace MenSI.Hosting;

/// <summary>A line of a resource's output; <see cref="Sequence"/> grows across all resources, so a reader asks for what is newer.</summary>
public sealed record LogLine(long Sequence, DateTimeOffset At, string Resource, string Text);

/// <summary>
/// Every resource's output: to the console with a coloured prefix per resource (unless quiet, as in tests), in full
/// to <c>logs/&lt;resource&gt;.log</c> in the state folder, and its last <see cref="Kept"/> lines per resource in memory
/// for the dashboard.
/// </summary>
public sealed class LogSink(StateFolder state, bool toConsole) : IDisposable
{
    public const int Kept = 2_000;
    private readonly Dictionary<string, Queue<LogLine>> _recent = new(StringComparer.Ordinal);
    private long _sequence;
    private static readonly ConsoleColor[] Colors =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkYellow];

    private readonly Dictionary<string, StreamWriter> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConsoleColor> _colors = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _width = 10;

    public bool ToConsole { get; } = toConsole;

    public void Write(string resource, string line)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(resource, out var file))
            {
                file = new StreamWriter(Path.Combine(state.LogsDirectory, $"{resource}.log"), append: true) { AutoFlush = true };
                _files[resource] = file;
                _colors[resource] = Colors[_colors.Count % Colors.Length];
                _width = Math.Max(_width, resource.Length);
            }

            var at = DateTimeOffset.UtcNow;
            file.WriteLine($"{at:O} {line}");
            if (!_recent.TryGetValue(resource, out var recent)) _recent[resource] = recent = new Queue<LogLine>();
            if (recent.Count == Kept) recent.Dequeue();
            recent.Enqueue(new LogLine(++_sequence, at, resource, line));
            if (!ToConsole) return;
            Console.ForegroundColor = _colors[resource];
            Console.Write(resource.PadRight(_width));
            Console.Write(" | ");
            Console.ResetColor();
            Console.WriteLine(line);
        }
    }

    /// <summary>The engine's own messages, under the name <c>apphost</c>.</summary>
    public void Say(string message) => Write("apphost", message);

    /// <summary>The newest lines of a resource (all resources when null) after <paramref name="after"/>, containing <paramref name="search"/> (any case).</summary>
    public IReadOnlyList<LogLine> Recent(string? resource, long after, string? search, int max)
    {
        lock (_lock)
        {
            var lines = resource is null ? _recent.Values.SelectMany(q => q) : _recent.GetValueOrDefault(resource) ?? (IEnumerable<LogLine>)[];
            return [.. lines.Where(l => l.Sequence > after && (string.IsNullOrEmpty(search) || l.Text.Contains(search, StringComparison.OrdinalIgnoreCase)))
                .OrderByDescending(l => l.Sequence).Take(max).Reverse()];
        }
    }

    public string LogFile(string resource) => Path.Combine(state.LogsDirectory, $"{resource}.log");

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var file in _files.Values) file.Dispose();
            _files.Clear();
        }
    }
}
