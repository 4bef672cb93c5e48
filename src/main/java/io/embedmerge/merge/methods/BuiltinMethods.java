package io.embedmerge.merge.methods;

import io.embedmerge.merge.MergeMethod;
import java.util.List;

/** Every merge method this service offers, in the order {@code GET /v1/methods} lists them: add a method here. */
public final class BuiltinMethods {

    private BuiltinMethods() {}

    public static List<MergeMethod> all() {
        return List.of(
                FamilyMembers.linear(),
                FamilyMembers.taskArithmetic(),
                new SlerpMerge(),
                new SlerpPairMerge(),
                FamilyMembers.ties(),
                FamilyMembers.dareLinear(),
                FamilyMembers.dareTies(),
                FamilyMembers.breadcrumbs(),
                FamilyMembers.breadcrumbsTies(),
                FamilyMembers.della(),
                FamilyMembers.dellaLinear(),
                new ModelStockMerge(),
                new MultiSlerpMerge(),
                new KarcherMerge(),
                new NuSlerpMerge(),
                new SceMerge(),
                new NearSwapMerge(),
                new PassthroughMerge(),
                new SelfPositioningMerge(),
                new FisherMerge(),
                new RegMeanMerge());
    }
}
