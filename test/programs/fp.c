/* Floating point formatting and libm. Basic operations and sqrt are
 * correctly rounded, so they print every bit (%a); transcendental
 * functions print 12 digits, which tolerates a last-bit difference
 * between libm variants picked by CPU features. */
#include "common.h"
#include <float.h>
#include <math.h>

static const double values[] = {
	0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.0 / 3.0, 2.0 / 3.0, 3.141592653589793,
	2.718281828459045, 1e-10, 1e10, 123456789.123456789, 1e300, 1e-300,
	DBL_MIN, DBL_MAX, 5e-324, 0.000123456, 99999.5, 1.5e-5, 6.02214076e23,
};

int main(void)
{
	int n = sizeof values / sizeof values[0];
	for (int i = 0; i < n; i++) {
		double v = values[i];
		printf("%f | %.3e | %g | %.17g | %a\n", v, v, v, v, v);
	}
	printf("%.0f %.1f %.2f %.3f\n", 0.5, 0.25, 0.125, 2.5e-3);
	printf("%10.4f|%-10.2e|%+g|% g\n", 3.14159, 31415.9, 2.0, 2.0);
	printf("inf %f %e %g, nan %f\n", INFINITY, -INFINITY, HUGE_VAL, NAN);

	double x = 1.0;
	for (int i = 1; i <= 20; i++) {
		x = x * 1.1 + 1.0 / i;
		printf("step %2d: %a sqrt %a\n", i, x, sqrt(x));
	}
	for (int i = -5; i <= 5; i++) {
		double a = i * 0.7;
		printf("x=%4.1f sin %.12g cos %.12g exp %.12g atan %.12g\n", a, sin(a), cos(a), exp(a), atan(a));
		if (a > 0)
			printf("       log %.12g pow %.12g cbrt %.12g\n", log(a), pow(a, 1.7), cbrt(a));
	}
	float f = 0;
	for (int i = 0; i < 1000; i++)
		f += 0.001f * (float)i;
	printf("float sum: %a %.9g\n", f, f);
	long double ld = 1.0L / 3.0L;
	printf("long double: %.20Lf\n", ld);
	printf("floor %g ceil %g round %g trunc %g fmod %g\n", floor(-2.5), ceil(-2.5), round(-2.5), trunc(-2.7), fmod(7.5, 2.0));
	return 0;
}
