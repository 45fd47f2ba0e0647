namespace MenSI.Testing;

/// <summary>
/// Polling for things that happen asynchronously (a broker delivers, a dispatcher commits, a service restarts):
/// the one wait loop of the tests. It returns the last value seen and the caller asserts on it, so a timeout fails
/// with the assertion's own message.
/// </summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(100);
        }
    }
}
