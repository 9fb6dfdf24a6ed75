# perl: regexes, hashes, sprintf, sort, fork, pipes, wait status.
use strict; use warnings;
my $text = "2024-02-29 error=42 user=alice; 2024-03-01 error=7 user=bob";
my @pairs = $text =~ /(\d{4}-\d\d-\d\d) error=(\d+) user=(\w+)/g;
print join(",", @pairs), "\n";
(my $t = $text) =~ s/user=(\w+)/user=\U$1/g;
print "$t\n";
my %count; $count{$_}++ for split //, "mississippi";
print join(" ", map { "$_=$count{$_}" } sort keys %count), "\n";
printf "%-6s|%6.2f|%03d|%x\n", "ab", 3.14159, 7, 255;
print join(" ", sort { $b <=> $a } (5, 3, 11, 1)), "\n";
pipe(my $r, my $w) or die;
my $pid = fork() // die;
if ($pid == 0) { close $r; print $w "line $_\n" for 1 .. 3; close $w; exit 5; }
close $w;
my @got = <$r>;
waitpid($pid, 0);
print scalar(@got), " lines, child status ", $? >> 8, "\n";
open(my $fh, "-|", "echo", "from", "echo") or die; print <$fh>; close $fh;
my $out = `printf 'a\\nb\\n' | sort -r`; print $out;
