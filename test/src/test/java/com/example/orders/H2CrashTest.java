package com.example.orders;

import dev.cairn.test.CairnExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class H2CrashTest extends CrashSpec {

    @RegisterExtension
    CairnExtension cairn = CairnExtension.h2();
}
